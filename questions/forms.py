"""The form a reader asks the coordinators a question with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealkennis.models import Programme
from questions.models import GAP_QUERY_MAX, QUESTION_MAX, Question

QUESTION_MIN = 10


class AskForm(forms.ModelForm):
    # Left empty by people; bots that fill every field are refused (see the view).
    website = forms.CharField(required=False, label=_("Laat dit veld leeg"))

    class Meta:
        model = Question
        fields = ["text", "programme", "email", "asked_from"]
        labels = {
            "text": _("Je vraag"),
            "programme": _("Over welk programma gaat je vraag?"),
            "email": _("Je e-mailadres, om het antwoord te krijgen"),
        }
        help_texts = {
            "text": _("Een coördinator leest je vraag; op de site verschijnt ze nooit."),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5, "maxlength": QUESTION_MAX}),
            "asked_from": forms.HiddenInput(),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["text"].error_messages.update(
            {
                "required": _("Schrijf je vraag op."),
                "max_length": _(
                    "Je vraag is te lang: ten hoogste %(limit_value)d tekens (nu %(show_value)d)."
                ),
            }
        )
        self.fields["programme"].queryset = Programme.objects.order_by("name")
        self.fields["programme"].empty_label = _("Weet ik niet of geldt voor alle programma's")
        self.fields["programme"].error_messages["invalid_choice"] = _("Kies een programma uit de lijst.")
        self.fields["email"].error_messages["invalid"] = _("Dit is geen geldig e-mailadres.")
        self.fields["asked_from"].required = False
        # The search it came from rides along hidden, so no reader can mend it:
        # it is cut and cleaned below (`clean_asked_from`), never refused.
        self.fields["asked_from"].validators = []
        if user is not None and user.is_authenticated:
            # The account's address is used; nothing to ask.
            del self.fields["email"]
        else:
            self.fields["email"].required = True
            self.fields["email"].error_messages["required"] = _(
                "Vul je e-mailadres in: zonder account kunnen we je het antwoord alleen zo laten weten."
            )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < QUESTION_MIN:
            raise forms.ValidationError(
                _("Schrijf je vraag in ten minste %(limit)d tekens.") % {"limit": QUESTION_MIN}
            )
        return text

    def clean_asked_from(self):
        return searched(self.cleaned_data.get("asked_from"))

    def save(self, commit=True):
        question = super().save(commit=False)
        if self.user is not None and self.user.is_authenticated:
            question.asker = self.user
        if commit:
            question.save()
        return question


def searched(query):
    """The search a question was asked from, as it is kept: single spaces, no NUL, cut to fit."""
    return " ".join((query or "").replace("\x00", " ").split())[:GAP_QUERY_MAX]
