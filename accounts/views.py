"""Sign-in, password reset, the invitation's link, and the privacy page with removing one's account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.forms import RemoveAccountForm
from accounts.privacy import anonymise, can_remove_itself, sign_in_records
from accounts.throttle import reset_allowed
from accounts.tokens import invitation_tokens

TOO_MANY_RESETS = gettext_lazy(
    "Er is te vaak een nieuw wachtwoord aangevraagd voor dit e-mailadres of vanaf deze verbinding. "
    "Probeer het later opnieuw, of vraag de coördinator van je programma om hulp."
)
LOCAL_LOGIN_OFF = gettext_lazy(
    "Inloggen met gebruikersnaam en wachtwoord staat uit. Log in met je organisatieaccount."
)


def local_login_allowed():
    return not settings.OIDC_ENABLED or settings.OIDC_LOCAL_LOGIN


class LoginView(auth_views.LoginView):
    """The organisation's account (OpenID Connect), the local form, or both (settings OIDC_*).

    After an invitation the username is filled in.
    """

    def get_initial(self):
        return {"username": self.request.GET.get("username", "")[:150]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            oidc_enabled=settings.OIDC_ENABLED, local_login=local_login_allowed(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if not local_login_allowed():
            messages.error(request, LOCAL_LOGIN_OFF)
            return redirect(request.get_full_path())
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset: the same answer whether or not the address has an account."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        if not reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(None, TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # Links point to the configured site, never to the Host header a request brought.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class InvitationView(auth_views.PasswordResetConfirmView):
    """The invitation's one-time link: choose a password, then sign in."""

    token_generator = invitation_tokens
    template_name = "accounts/invitation_confirm.html"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A deactivated account's invitation no longer opens anything.
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Je wachtwoord is ingesteld. Log nu in met je gebruikersnaam."))
        return response

    def get_success_url(self):
        return reverse("login") + "?username=" + self.user.get_username()


def privacy(request, form=None):
    user = request.user
    context = {
        "can_remove": can_remove_itself(user),
        "form": form or RemoveAccountForm(),
        "oidc_enabled": settings.OIDC_ENABLED,
    }
    if user.is_authenticated:
        context.update(
            roles=[group.name for group in user.groups.all()],
            shared_lessons=user.contributed_lessons.count(),
            sign_ins=sign_in_records(user.get_username()),
        )
    return render(request, "accounts/privacy.html", context, status=400 if form else 200)


@require_POST
def remove_account(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('privacy')}")
    if not can_remove_itself(request.user):
        messages.error(request, _("Een account met beheerrechten wordt door een beheerder verwijderd."))
        return redirect("privacy")
    form = RemoveAccountForm(request.POST)
    if not form.is_valid():
        return privacy(request, form)
    anonymise(request.user)
    logout(request)
    messages.success(
        request, _("Je account is verwijderd. Je gedeelde lessen staan er nog, op naam van een collega.")
    )
    return redirect("home")
