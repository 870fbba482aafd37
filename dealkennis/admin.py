from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dealkennis.models import Deal, Programme

admin.site.site_header = _("Dealkennis beheer")
admin.site.site_title = _("Dealkennis beheer")
admin.site.index_title = _("Kaarten, lessen en programma's beheren")


class DealInline(admin.TabularInline):
    model = Deal
    extra = 0
    fields = ["name", "slug", "signed_on", "ended_on"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "ministries"]
    search_fields = ["name", "ministries"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DealInline]


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "signed_on", "ended_on"]
    list_filter = ["programme"]
    search_fields = ["name", "partners"]
    list_select_related = ["programme"]
    prepopulated_fields = {"slug": ["name"]}


class KnowledgeItemAdmin(admin.ModelAdmin):
    """What the admin of cards and lessons shares."""

    list_display = [
        "title",
        "programme",
        "stream",
        "mode",
        "order",
        "level",
        "status",
        "visibility",
        "updated_at",
    ]
    list_filter = ["status", "visibility", "programme", "stream", "mode", "order", "level"]
    list_select_related = ["programme"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["deal"]
    date_hierarchy = "updated_at"
    classification_fieldset = (
        _("Classificatie"),
        {"fields": ["programme", "deal", ("stream", "mode"), ("order", "level"), "tags"]},
    )
    publication_fieldset = (_("Publicatie"), {"fields": [("status", "visibility"), "source"]})
