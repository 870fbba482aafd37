"""The project's URLs: the site's pages, the apps, the API, accounts and the admin."""

from django.contrib import admin
from django.urls import include, path

from lessons import review

urlpatterns = [
    path("", include("dealkennis.web.urls")),
    path("api/", include("dealkennis.api.urls")),
    path("kaarten/", include("cards.urls")),
    path("lessen/", include("lessons.urls")),
    path("leerstrategieen/", include("strategies.urls")),
    path("account/volgen/", include("follows.urls")),
    path("account/", include("accounts.urls")),
    path("mensen/", include("people.urls")),
    path("vragen/", include("questions.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/beoordelen/", include(review.urlpatterns)),
    path("admin/", admin.site.urls),
]

handler404 = "dealkennis.web.errors.page_not_found"
handler500 = "dealkennis.web.errors.server_error"
