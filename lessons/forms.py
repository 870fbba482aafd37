"""The form a signed-in civil servant shares a learning experience with."""

from django import forms
from django.core.validators import slug_re
from django.utils.translation import gettext_lazy as _

from dealkennis.classification import VOCABULARIES
from dealkennis.models import Deal, Programme
from lessons.models import Lesson


def initial_from(query):
    """The share form's first values from the query string, e.g. from an empty cell of the learning matrix.

    Only values the form offers are taken; anything else is left for the
    contributor to choose, without a word: it is a suggestion, not a filter.
    """
    initial = {
        name: query[name]
        for name, vocabulary in VOCABULARIES.items()
        if name in query and query[name] in vocabulary.values
    }
    slugs = {name: query.get(name, "") for name in ("programme", "deal")}
    # Only well-formed slugs reach the database (a NUL byte would be an error there).
    if not slug_re.fullmatch(slugs["programme"]):
        return initial
    programme = Programme.objects.filter(slug=slugs["programme"]).first()
    if programme is not None:
        initial["programme"] = programme.pk
        deal = slug_re.fullmatch(slugs["deal"]) and programme.deals.filter(slug=slugs["deal"]).first()
        if deal:
            initial["deal"] = deal.pk
    return initial


class ShareLessonForm(forms.ModelForm):
    """The workshop's trio questions, as a form for sharing a learning experience."""

    class Meta:
        model = Lesson
        fields = [
            "title",
            "body",
            "insight",
            "reflection",
            "change",
            "takeaway",
            "summary",
            "programme",
            "deal",
            "stream",
            "mode",
            "order",
            "level",
        ]
        labels = {
            "title": _("Geef je ervaring een korte titel"),
            "body": _("Wat gebeurde er?"),
            "insight": _("Wat maakte het leerzaam?"),
            "reflection": _("Heb je (hebben jullie) er genoeg uit gehaald?"),
            "change": _("Wat veranderde er door, bij jezelf, in de samenwerking of in de organisatie(s)?"),
            "takeaway": _("Wat kunnen andere dealmakers ervan leren?"),
            "summary": _("Vat je ervaring samen in één zin"),
            "programme": _("Uit welk programma komt deze ervaring?"),
            "deal": _("Om welke deal ging het? (als je dat wilt noemen)"),
            "stream": _("Leerstroming (als je een voorstel hebt)"),
            "mode": _("Leervorm (als je een voorstel hebt)"),
            "order": _("Orde (als je een voorstel hebt)"),
            "level": _("Niveau (als je een voorstel hebt)"),
        }
        help_texts = {
            "body": _("Beschrijf de situatie; positief of negatief, allebei leerzaam. Markdown mag."),
            "summary": _("Deze zin staat in lijsten en zoekresultaten."),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "insight": forms.Textarea(attrs={"rows": 3}),
            "reflection": forms.Textarea(attrs={"rows": 3}),
            "change": forms.Textarea(attrs={"rows": 3}),
            "takeaway": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("body", "insight", "change"):
            self.fields[name].required = True
        self.fields["programme"].queryset = Programme.objects.order_by("name")
        self.fields["deal"].queryset = Deal.objects.select_related("programme").order_by("name")
        self.fields["programme"].empty_label = _("Kies een programma")
        self.fields["deal"].empty_label = _("Geen specifieke deal")
        for name in ("stream", "mode", "order", "level"):
            self.fields[name].choices = [("", _("Weet ik niet"))] + list(self.fields[name].choices)[1:]
