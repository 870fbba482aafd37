"""The coordinators' side: the question queue, answering with an item or a new draft, and the search gaps."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dealkennis.admin import SelectionCheckMixin
from dealkennis.classification import Visibility
from questions import drafts, notifications
from questions.models import Question, QuestionStatus, SearchGap


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["programme", "status", "answer_card", "answer_lesson"]

    def clean(self):
        cleaned = super().clean()
        card, lesson = cleaned.get("answer_card"), cleaned.get("answer_lesson")
        if card and lesson:
            raise ValidationError(_("Kies één antwoord: een kaart of een les, niet allebei."))
        item = card or lesson
        if item is not None and self.instance.asker_id is None and item.visibility != Visibility.PUBLIC:
            raise ValidationError(
                _(
                    "Deze vraag komt van iemand zonder account, die alleen openbare items kan lezen. "
                    "Kies een openbaar item of maak dit item eerst openbaar."
                )
            )
        if item is not None and self.instance.asker_id and not self.instance.asker.is_active:
            raise ValidationError(_("Het account van deze vrager bestaat niet meer; sluit de vraag."))
        if cleaned.get("status") == QuestionStatus.ANSWERED and item is None:
            raise ValidationError(_("Kies eerst een kaart of les als antwoord."))
        return cleaned


@admin.register(Question)
class QuestionAdmin(SelectionCheckMixin, admin.ModelAdmin):
    form = QuestionForm
    list_display = ["__str__", "programme", "status", "asked_by", "created_at", "answer_link"]
    list_filter = ["status", "programme"]
    list_select_related = ["programme", "asker", "answer_card", "answer_lesson"]
    search_fields = ["text"]
    autocomplete_fields = ["answer_card", "answer_lesson"]
    readonly_fields = [
        "text",
        "asked_from",
        "asked_by",
        "created_at",
        "answered_at",
        "answered_by",
        "notified_at",
    ]
    fields = [
        "text",
        "asked_from",
        "programme",
        "asked_by",
        "created_at",
        "status",
        "answer_card",
        "answer_lesson",
        "answered_at",
        "answered_by",
        "notified_at",
    ]
    actions = ["make_draft", "close"]

    def has_add_permission(self, request):
        return False  # questions come from readers

    @admin.display(description=_("gesteld door"))
    def asked_by(self, question):
        if question.asker_id:
            return _("collega met account")
        return _("bezoeker met e-mailadres") if question.email else _("bezoeker (adres gewist)")

    @admin.display(description=_("antwoord"))
    def answer_link(self, question):
        item = question.answer
        if item is None:
            return "—"
        opts = item._meta
        return format_html(
            '<a href="{}">{}</a> ({})',
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk]),
            item.title,
            item.get_status_display(),
        )

    def save_model(self, request, obj, form, change):
        answer_changed = {"answer_card", "answer_lesson"} & set(form.changed_data)
        if answer_changed and obj.answer is not None:
            obj.answered_by = request.user
            obj.answered_at = obj.answered_at or timezone.now()
        super().save_model(request, obj, form, change)
        if answer_changed and obj.answer is not None:
            if obj.notified_at is not None:
                self.message_user(
                    request,
                    _("De vrager kreeg al bericht over een antwoord; er gaat geen nieuwe e-mail."),
                    messages.INFO,
                )
            elif obj.answer.is_published:
                notifications.answer_later(obj.pk)
                self.message_user(request, _("De vrager krijgt het antwoord per e-mail."), messages.SUCCESS)
            else:
                self.message_user(
                    request, _("De vrager krijgt bericht zodra dit item gepubliceerd is."), messages.INFO
                )

    @admin.action(description=_("Maak een concept van deze vraag"), permissions=["change"])
    def make_draft(self, request, queryset):
        Card = drafts.card_model()
        if not request.user.has_perm(f"{Card._meta.app_label}.add_{Card._meta.model_name}"):
            self.message_user(request, _("Je mag geen kaarten maken."), messages.ERROR)
            return
        with transaction.atomic():
            for question in queryset.select_related(None).select_for_update():
                if question.answer is not None:
                    self.message_user(
                        request, _("“%(q)s” heeft al een antwoord.") % {"q": question}, messages.WARNING
                    )
                    continue
                card, guessed = drafts.draft_for_question(question, request.user)
                url = reverse("admin:cards_card_change", args=[card.pk])
                made = _("Kaartconcept gemaakt; schrijf het antwoord en publiceer:")
                self.message_user(request, format_html('{} <a href="{}">{}</a>', made, url, card.title))
                if question.asker_id is None:
                    self.message_user(
                        request,
                        _(
                            "Deze vrager heeft geen account: maak de kaart openbaar, "
                            "anders krijgt de vrager geen bericht."
                        ),
                        messages.WARNING,
                    )
                if guessed:
                    self.message_user(
                        request,
                        _("De vraag noemt geen programma: kies het juiste in het concept (nu %(name)s).")
                        % {"name": card.programme.name},
                        messages.WARNING,
                    )

    @admin.action(description=_("Sluit de geselecteerde vragen (zonder antwoord)"), permissions=["change"])
    def close(self, request, queryset):
        closed = queryset.update(status=QuestionStatus.CLOSED)
        self.message_user(request, _("%(count)d vragen gesloten.") % {"count": closed}, messages.SUCCESS)


@admin.register(SearchGap)
class SearchGapAdmin(SelectionCheckMixin, admin.ModelAdmin):
    list_display = ["query", "week", "programme", "outcome", "searches", "clicks"]
    list_filter = ["outcome", "week", "programme"]
    search_fields = ["query"]
    list_select_related = ["programme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # counted by the site, never edited
