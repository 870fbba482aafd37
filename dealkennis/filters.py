"""Parsing of the list filters in the query string.

A filter value that is not understood never breaks the page: it is dropped and
the reader is told which value was ignored.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealkennis.classification import VOCABULARIES

FILTER_NAMES = ("programme", "stream", "mode", "order", "level", "tag")

FILTER_LABELS = {
    "programme": gettext_lazy("Programma"),
    "stream": gettext_lazy("Leerstroming"),
    "mode": gettext_lazy("Leervorm"),
    "order": gettext_lazy("Orde"),
    "level": gettext_lazy("Niveau"),
}


def echoed(value, limit=100):
    """A value from the address as a notice repeats it: cut, and without NUL bytes (no HTML holds those)."""
    return value.replace("\x00", "")[:limit]


class ItemFilterForm(forms.Form):
    programme = forms.ChoiceField(required=False)
    stream = forms.ChoiceField(required=False, choices=VOCABULARIES["stream"].choices)
    mode = forms.ChoiceField(required=False, choices=VOCABULARIES["mode"].choices)
    order = forms.ChoiceField(required=False, choices=VOCABULARIES["order"].choices)
    level = forms.ChoiceField(required=False, choices=VOCABULARIES["level"].choices)
    tag = forms.CharField(required=False, max_length=100)

    def __init__(self, data, programmes):
        super().__init__(data)
        self.programmes = programmes
        self.fields["programme"].choices = [(p.slug, p.name) for p in programmes]


class ItemFilters:
    def __init__(self, query, programmes):
        form = ItemFilterForm({name: query.get(name, "") for name in FILTER_NAMES}, programmes)
        form.is_valid()
        self.active = {name: value for name, value in form.cleaned_data.items() if value}
        self.ignored = [
            _("Het filter %(name)s met waarde “%(value)s” bestaat niet en is genegeerd.")
            % {"name": FILTER_LABELS.get(name, name), "value": echoed(query.get(name, ""))}
            for name in form.errors
        ]
        self.programmes = programmes

    def apply(self, queryset):
        lookups = {
            "programme": "programme__slug",
            "stream": "stream",
            "mode": "mode",
            "order": "order",
            "level": "level",
            "tag": "tags__name__iexact",
        }
        for name, value in self.active.items():
            queryset = queryset.filter(**{lookups[name]: value})
        return queryset

    def groups(self):
        """The select boxes of the filter form, with the current choice marked."""
        choices = {"programme": [(p.slug, p.name) for p in self.programmes]}
        choices.update({name: vocabulary.choices for name, vocabulary in VOCABULARIES.items()})
        return [
            {
                "name": name,
                "label": FILTER_LABELS[name],
                "all_label": _("Alle programma's") if name == "programme" else _("Alle"),
                "options": [(value, label, self.active.get(name) == value) for value, label in options],
            }
            for name, options in choices.items()
        ]

    @property
    def programme(self):
        slug = self.active.get("programme")
        return next((p for p in self.programmes if p.slug == slug), None)
