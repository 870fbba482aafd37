from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from dealkennis import api, security, views
from dealkennis.feeds import NewItemsFeed, ProgrammeFeed
from dealkennis.sitemaps import SITEMAPS, robots_txt
from lessons import review

urlpatterns = [
    path("", views.home, name="home"),
    path("programmas/", views.programme_list, name="programme-list"),
    path("programmas/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("leren/", views.learning, name="learning"),
    path(
        "toegankelijkheid/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("zoeken/", views.search, name="search"),
    path("api/zoeken/", views.search_api, name="search-api"),
    # <str:slug> so that any unknown slug gets the API's JSON 404, not the HTML page.
    path("api/kaarten/", api.card_list, name="api-card-list"),
    path("api/kaarten/<str:slug>/", api.card_detail, name="api-card-detail"),
    path("api/lessen/", api.lesson_list, name="api-lesson-list"),
    path("api/lessen/<str:slug>/", api.lesson_detail, name="api-lesson-detail"),
    path("api/programmas/", api.programme_list, name="api-programme-list"),
    path("api/programmas/<str:slug>/", api.programme_detail, name="api-programme-detail"),
    path("api/openapi.json", api.openapi_document, name="api-openapi"),
    path("feeds/nieuw/", NewItemsFeed(), name="feed-new"),
    path("feeds/programma/<slug:slug>/", ProgrammeFeed(), name="feed-programme"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path(".well-known/security.txt", security.security_txt, name="security-txt"),
    path("gezondheid/", security.health, name="health"),
    path("kaarten/", include("cards.urls")),
    path("lessen/", include("lessons.urls")),
    # Sign-in only: accounts are made by coordinators, and there is no mail
    # server to send password-reset links, so those views are not offered.
    path("account/login/", auth_views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/wachtwoord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/wachtwoord/gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/aandacht/", views.needs_attention, name="needs-attention"),
    path("admin/beoordelen/", include(review.urlpatterns)),
    path("admin/", admin.site.urls),
]

handler404 = "dealkennis.views.page_not_found"
handler500 = "dealkennis.views.server_error"
