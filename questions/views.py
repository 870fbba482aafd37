"""Asking a question, the search page's signals (seen, clicked), and a card draft from a search gap."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dealkennis.models import Programme
from dealkennis.security import client_ip, over_limit
from questions import drafts, gaps
from questions.forms import AskForm, searched
from questions.models import SearchGap

# Questions one visitor may send per hour: enough for a person, not for a script.
ASK_LIMIT = 5
ASK_WINDOW = 3600


def _too_many(request):
    """A per-address count kept only in the cache, for an hour: never stored with the question."""
    return over_limit("questions-asked", client_ip(request) or "unknown", ASK_LIMIT, ASK_WINDOW)


def ask(request):
    query = request.GET.get("q", "").replace("\x00", " ")
    initial = {"text": query[:500], "asked_from": searched(query)}
    # Only a slug can name a programme; anything else (a NUL byte) is no programme.
    if (slug := request.GET.get("programme")) and slug_re.fullmatch(slug):
        initial["programme"] = Programme.objects.filter(slug=slug).first()
    form = AskForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # A bot filled the hidden field: thank it as if it worked, keep nothing.
            return redirect("question-thanks")
        if _too_many(request):
            form.add_error(
                None, _("Je hebt het afgelopen uur al veel vragen gesteld. Probeer het later nog eens.")
            )
        else:
            form.save()
            messages.success(
                request, _("Dank je! Een coördinator leest je vraag en laat je het antwoord weten.")
            )
            return redirect("question-thanks")
    return render(request, "questions/ask.html", {"form": form})


def thanks(request):
    return render(request, "questions/thanks.html")


@csrf_exempt  # a beacon carries no CSRF token; the signed token is all it can add to
@require_POST
def search_signal(request, event):
    """Count "seen" or "click" for the signed query in the body; 204 either way, nothing to learn from it."""
    if not gaps.is_bot(request) and len(request.body) <= 1000:
        gaps.signal(request.body.decode("ascii", "replace"), event)
    return HttpResponse(status=204)


@staff_member_required
@require_POST
def gap_draft(request, pk):
    """One click on the attention page: a card draft whose title and question are the query."""
    gap = get_object_or_404(SearchGap.objects.select_related("programme"), pk=pk)
    Card = drafts.card_model()
    if not request.user.has_perm(f"{Card._meta.app_label}.add_{Card._meta.model_name}"):
        raise PermissionDenied
    card, guessed = drafts.card_draft(gap.query, gap.programme, _("Zoekvraag zonder antwoord"), request.user)
    messages.success(
        request, _("Kaartconcept “%(title)s” gemaakt; schrijf het antwoord.") % {"title": card.title}
    )
    if guessed:
        messages.warning(
            request,
            _("De zoekvraag had geen programmafilter: kies het juiste programma (nu %(name)s).")
            % {"name": card.programme.name},
        )
    return redirect("admin:cards_card_change", card.pk)
