from django import forms
from django.utils.translation import gettext_lazy as _

from follows.models import Frequency


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Hoe vaak wil je een e-mail met wat nieuw is?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies hoe vaak je e-mail wilt."),
            "invalid_choice": _("Kies een van de mogelijkheden."),
        },
    )
