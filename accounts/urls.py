"""Account pages, under /account/: sign in and out (also with the organisation's account), passwords,
invitations, privacy."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.oidc import views as oidc_views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", oidc_views.LogoutView.as_view(), name="logout"),
    path("oidc/inloggen/", oidc_views.StartView.as_view(), name="oidc-start"),
    # The redirect URI to register at the identity provider.
    path("oidc/callback/", oidc_views.CallbackView.as_view(), name="oidc-callback"),
    path("wachtwoord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/gewijzigd/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-kiezen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-gekozen/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("uitnodiging/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("privacy/", views.privacy, name="privacy"),
    path("verwijderen/", views.remove_account, name="account-remove"),
]
