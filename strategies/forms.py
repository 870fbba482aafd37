"""The guided form of a learning strategy: the essay's three questions, the framework explained in place."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealkennis import framework
from dealkennis.classification import ORDER_QUESTIONS, Mode, Stream
from dealkennis.workflow import stored_state
from strategies.models import CELLS, LearningStrategy
from strategies.workflow import check_strategy_change


def stream_choices():
    return [
        (
            stream.value,
            f"{stream.label}: {framework.STREAMS[stream]['core']}. {framework.STREAMS[stream]['network']}",
        )
        for stream in Stream
    ]


def mode_choices():
    return [(mode.value, f"{mode.label}: {framework.MODES[mode]}") for mode in Mode]


def cell_choices():
    return [
        (code, f"{order.label} × {level.label} ({ORDER_QUESTIONS[order]}): {framework.CELLS[order, level]}")
        for code, (order, level) in CELLS.items()
    ]


class Checkboxes(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, choices, **kwargs):
        super().__init__(choices=choices, required=False, **kwargs)


class LearningStrategyForm(forms.ModelForm):
    """Checks the publication rule against the stored row, locked (the admin saves in one transaction)."""

    streams = Checkboxes(
        stream_choices,
        label=_("Welke leerstromingen zet het netwerk in?"),
        help_text=_("Ze gelden alle vijf tegelijk; kies waar het netwerk bewust op inzet."),
    )
    modes = Checkboxes(
        mode_choices,
        label=_("Ervarend, doelbewust of allebei?"),
    )
    cells = Checkboxes(
        cell_choices,
        label=_("Waarover wil het netwerk leren van anderen?"),
        help_text=_("Kies de ordes en niveaus waarop het netwerk van andere netwerken wil leren."),
    )
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LearningStrategy
        fields = [
            "programme",
            "deal",
            "streams",
            "modes",
            "how_learning",
            "cells",
            "from_others",
            "into_work",
            "status",
            "visibility",
            "reviewed_on",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 8, "cols": 90})
            for name in ("how_learning", "from_others", "into_work")
        }

    # Set by the admin for each request.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        self.before = stored_state(self.instance, lock=True)
        if self.before is not None:
            stored = LearningStrategy.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
            if cleaned.get("loaded_version") != stored[0].isoformat():
                raise forms.ValidationError(
                    _(
                        "Iemand anders heeft deze leerstrategie gewijzigd nadat jij haar opende. Jouw "
                        "wijzigingen zijn niet opgeslagen; open de strategie opnieuw in een ander "
                        "tabblad en neem je wijzigingen daar over."
                    ),
                    code="conflict",
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the submitted values
        if self.errors:
            return
        before = getattr(self, "before", None)
        try:
            check_strategy_change(self.user, self.instance, before)
        except forms.ValidationError as refusal:
            moved = self.instance.status != (before.status if before else "draft")
            self.add_error("status" if moved else "visibility", refusal)
