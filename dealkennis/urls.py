"""The project's URLs: the site's pages, the apps, the API, accounts and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lessons import review

urlpatterns = [
    path("", include("dealkennis.web.urls")),
    path("api/", include("dealkennis.api.urls")),
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
    path("admin/beoordelen/", include(review.urlpatterns)),
    path("admin/", admin.site.urls),
]

handler404 = "dealkennis.web.errors.page_not_found"
handler500 = "dealkennis.web.errors.server_error"
