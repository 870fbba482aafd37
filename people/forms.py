"""Editing one's own profile: plain fields, topics typed as a comma-separated list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import MAX_TOPICS, Profile, Role

TOPIC_LENGTH = 60


class ProfileForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Rollen"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.CharField(
        label=_("Onderwerpen"),
        required=False,
        max_length=1000,
        help_text=_("Waarmee je collega's kunt helpen, gescheiden door komma's (hoogstens twaalf)."),
    )

    class Meta:
        model = Profile
        fields = ("name", "organisation", "programmes", "deals", "roles", "topics", "contact", "published")
        widgets = {
            "programmes": forms.CheckboxSelectMultiple,
            "deals": forms.CheckboxSelectMultiple,
        }
        labels = {"published": _("Toon mijn profiel aan ingelogde collega's")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["topics"] = ", ".join(self.instance.topics)
        self.fields["deals"].queryset = self.fields["deals"].queryset.select_related("programme")

    def clean_topics(self):
        topics = []
        for part in self.cleaned_data["topics"].split(","):
            topic = " ".join(part.split()).lower()
            if not topic or topic in topics:
                continue
            if len(topic) > TOPIC_LENGTH:
                raise forms.ValidationError(
                    _("Een onderwerp is hoogstens %(count)d tekens lang."), params={"count": TOPIC_LENGTH}
                )
            topics.append(topic)
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(
                _("Noem hoogstens %(count)d onderwerpen."), params={"count": MAX_TOPICS}
            )
        return topics

    def clean(self):
        cleaned = super().clean()
        # A deal belongs to a programme: working on it means working in that programme.
        deals, programmes = cleaned.get("deals"), cleaned.get("programmes")
        if deals is not None and programmes is not None:
            missing = {deal.programme for deal in deals} - set(programmes)
            if missing:
                cleaned["programmes"] = list(programmes) + sorted(missing, key=lambda p: p.name)
        return cleaned
