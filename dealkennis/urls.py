from django.contrib import admin
from django.urls import include, path

from dealkennis import views

urlpatterns = [
    path("", views.home, name="home"),
    path("programmas/", views.programme_list, name="programme-list"),
    path("programmas/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("leren/", views.learning, name="learning"),
    path("zoeken/", views.search, name="search"),
    path("api/zoeken/", views.search_api, name="search-api"),
    path("kaarten/", include("cards.urls")),
    path("lessen/", include("lessons.urls")),
    path("account/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/aandacht/", views.needs_attention, name="needs-attention"),
    path("admin/", admin.site.urls),
]

handler404 = "dealkennis.views.page_not_found"
handler500 = "dealkennis.views.server_error"
