"""The WSGI entry point (gunicorn dealkennis.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealkennis.settings")

application = get_wsgi_application()
