"""The guided form of a learning strategy, in the admin where coordinators already work.

The admin gives what a strategy needs at no cost: the history of every save
(who, when and which fields, through django-reversion), the workflow's
permissions, and a form that keeps what was typed when a save is refused.
Under each question it lists, per choice, the cards and lessons that show that
choice in practice, the network's own programme first.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from dealkennis.classification import Mode, Status, Stream
from dealkennis.workflow import can_publish
from strategies.examples import examples
from strategies.forms import LearningStrategyForm
from strategies.models import CELL_CHOICES, LearningStrategy


def _explained(text, anchor):
    url = f"{reverse('learning')}#{anchor}"
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>', text, url, gettext("Meer op Zo leer je")
    )


@admin.register(LearningStrategy)
class LearningStrategyAdmin(VersionAdmin):
    form = LearningStrategyForm
    list_display = [
        "__str__",
        "programme",
        "status",
        "visibility",
        "reviewed_on",
        "review_badge",
        "updated_at",
    ]
    list_filter = ["status", "visibility", "programme"]
    list_select_related = ["programme", "deal"]
    ordering = ["programme__name", "deal__name"]
    search_fields = ["programme__name", "deal__name", "how_learning", "from_others", "into_work"]
    autocomplete_fields = ["deal"]
    readonly_fields = ["examples_of_streams", "examples_of_cells", "updated_by"]

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ["programme", "deal", "loaded_version"]}),
            (
                _("1. Hoe krijgt het leren vorm?"),
                {
                    "description": _explained(
                        gettext(
                            "In het netwerk en in de thuisorganisaties: de vijf leerstromingen zijn lenzen "
                            "die tegelijk gelden, en elk kan al doende (ervarend) of met opzet (doelbewust) "
                            "gebeuren. Kies waar het netwerk op inzet en beschrijf hoe."
                        ),
                        "streams-title",
                    ),
                    "fields": ["streams", "modes", "how_learning", "examples_of_streams"],
                },
            ),
            (
                _("2. Wat kan het netwerk leren van andere netwerken?"),
                {
                    "description": _explained(
                        gettext(
                            "Eerste orde: doen we de dingen goed? Tweede orde: doen we de goede dingen? "
                            "Derde orde: is het systeem hierop toegerust? Elk op taakniveau of op "
                            "samenwerkingsniveau."
                        ),
                        "orders-title",
                    ),
                    "fields": ["cells", "from_others", "examples_of_cells"],
                },
            ),
            (
                _("3. Hoe wordt leren deel van het werk?"),
                {
                    "description": gettext(
                        "Denk aan vaste momenten van terugkijken, werken in duo's, intervisie, een "
                        "community of practice, en aan de weg die lessen nemen naar de eigen organisaties."
                    ),
                    "fields": ["into_work"],
                },
            ),
            (
                _("Publicatie en herziening"),
                {"fields": [("status", "visibility"), "reviewed_on", "updated_by"]},
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        if not can_publish(request.user, LearningStrategy) and "status" in form.base_fields:
            # Editors see only the statuses they may choose (the rule is checked on save anyway).
            allowed = {Status.DRAFT, obj.status if obj else Status.DRAFT}
            field = form.base_fields["status"]
            field.choices = [(value, label) for value, label in field.choices if value in allowed]
        return form

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("herziening"))
    def review_badge(self, strategy):
        if strategy.review_overdue:
            return format_html('<span class="status-badge status-review">{}</span>', gettext("nodig"))
        return gettext("op tijd")

    @admin.display(description=_("Voorbeelden uit de praktijk, per leerstroming en leervorm"))
    def examples_of_streams(self, strategy):
        labels = {**{s.value: s.label for s in Stream}, **{m.value: m.label for m in Mode}}
        return self._examples_html(strategy, {"streams": None, "modes": None}, labels)

    @admin.display(description=_("Voorbeelden uit de praktijk, per orde en niveau"))
    def examples_of_cells(self, strategy):
        return self._examples_html(strategy, {"cells": None}, dict(CELL_CHOICES))

    def _examples_html(self, strategy, axes, labels):
        programme = strategy.programme if strategy.programme_id else None
        found = examples(lambda model: model.objects.published(), programme, axes)
        rows = format_html_join(
            "",
            "<li><strong>{}</strong>: {}</li>",
            (
                (labels[code], self._links(items) or gettext("nog geen"))
                for (_axis, code), items in found.items()
            ),
        )
        return format_html('<ul class="strategy-examples">{}</ul>', rows)

    @staticmethod
    def _links(items):
        return format_html_join(
            ", ",
            '<a href="{}" target="_blank" rel="noopener">{}</a> ({})',
            ((item.get_absolute_url(), item.title, item.programme.name) for item in items),
        )

    # Restoring an old version writes it back before the form is checked,
    # so the workflow could not see what it replaces: coordinators only.
    def revision_view(self, request, object_id, version_id, extra_context=None):
        self._require_publish(request)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self._require_publish(request)
        return super().recover_view(request, version_id, extra_context)

    def _require_publish(self, request):
        if not can_publish(request.user, LearningStrategy):
            raise PermissionDenied
