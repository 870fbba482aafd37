"""The forms of invitations and of removing one's own account."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.invitations import username_for


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=150,
        help_text=_(
            "De collega krijgt hierop een link om een wachtwoord te kiezen; dit wordt ook de gebruikersnaam."
        ),
    )
    first_name = forms.CharField(label=_("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        users = get_user_model().objects
        if (
            users.filter(email__iexact=email).exists()
            or users.filter(username__iexact=username_for(email)).exists()
        ):
            raise forms.ValidationError(_("Er bestaat al een account met dit e-mailadres."))
        return email


class RemoveAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, verwijder mijn account. Mijn gedeelde lessen blijven staan, zonder mijn naam."),
        error_messages={"required": _("Vink aan dat je je account wilt verwijderen.")},
    )
