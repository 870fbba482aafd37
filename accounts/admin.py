"""Users in the admin: a coordinator invites readers, sees them and deactivates them.

Only a superuser sees, changes or creates staff accounts; every path a
coordinator has (the list and its actions, the change form, the password
form) goes through `get_queryset`, which leaves staff out for them.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.forms import InvitationForm
from accounts.invitations import create_invited_user, send_invitation

User = get_user_model()

READER_FIELDSETS = (
    (None, {"fields": ("username",)}),
    (gettext_lazy("Persoonlijke gegevens"), {"fields": ("first_name", "last_name", "email")}),
    (gettext_lazy("Toegang"), {"fields": ("is_active", "last_login", "date_joined")}),
)

MAIL_FAILED = gettext_lazy(
    "Het account is gemaakt, maar de mail kon niet worden verstuurd. "
    "Probeer het later opnieuw met ‘Uitnodiging opnieuw sturen’."
)

admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    actions = ["deactivate", "resend_invitation"]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(is_staff=False, is_superuser=False)

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ("is_active",)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return READER_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("username", "last_login", "date_joined")

    def has_add_permission(self, request):
        # Coordinators invite (below); only a superuser makes an account with a password here.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: lessons and history point to the account.
        return request.user.is_superuser

    def has_invite_permission(self, request):
        return request.user.has_perm("auth.add_user")

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description=gettext_lazy("Geselecteerde accounts deactiveren"), permissions=["change"])
    def deactivate(self, request, queryset):
        # The queryset already leaves staff out for a coordinator; never oneself either.
        count = (
            self.get_queryset(request)
            .filter(pk__in=queryset)
            .exclude(pk=request.user.pk)
            .update(is_active=False)
        )
        self.message_user(
            request, ngettext("%d account gedeactiveerd.", "%d accounts gedeactiveerd.", count) % count
        )

    @admin.action(description=gettext_lazy("Uitnodiging opnieuw sturen"), permissions=["invite"])
    def resend_invitation(self, request, queryset):
        invited = [
            user
            for user in self.get_queryset(request).filter(pk__in=queryset, is_active=True).exclude(email="")
            if not user.has_usable_password()
        ]
        sent = sum(send_invitation(user, request.user) for user in invited)
        self.message_user(
            request, ngettext("%d uitnodiging verstuurd.", "%d uitnodigingen verstuurd.", sent) % sent
        )
        if sent < len(invited):
            self.message_user(request, _("Niet elke uitnodiging kon worden verstuurd."), messages.ERROR)

    def get_urls(self):
        invite = self.admin_site.admin_view(self.invite_view)
        return [path("uitnodigen/", invite, name="auth_user_invite"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_invite": self.has_invite_permission(request)}
        return super().changelist_view(request, extra_context)

    def invite_view(self, request):
        if not self.has_invite_permission(request):
            raise PermissionDenied
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    user = create_invited_user(**form.cleaned_data)
            except IntegrityError:  # the same address invited twice at the same moment
                form.add_error("email", _("Er bestaat al een account met dit e-mailadres."))
            else:
                if send_invitation(user, request.user):
                    self.message_user(request, _("Uitnodiging verstuurd naar %s.") % user.email)
                else:
                    self.message_user(request, MAIL_FAILED, messages.ERROR)
                return redirect("admin:auth_user_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Collega uitnodigen"),
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/auth/user/invite.html", context)
