"""Following and unfollowing, the page "Wat ik volg", and the digest's unsubscribe link.

Following needs an account: the digest is mail to a reader, and internal items
may only reach a reader we know. Anonymous visitors get a link to sign in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from dealkennis.caching import ContentVersion
from dealkennis.pages import programmes as all_programmes
from follows.digest import unsubscribe
from follows.forms import FrequencyForm
from follows.models import Follow, Frequency, Subscription
from follows.tokens import user_from_token
from follows.topics import Refused, topic, topic_of

# Enough for anyone's interests; a bound keeps a script from filling the table.
MAX_FOLLOWS = 100


def _back_url(request):
    """The page the button was on: a path on this site, else "Wat ik volg"."""
    target = request.POST.get("next", "")
    # A path only: redirect() would take any other word for the name of a view.
    on_site = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    if on_site and target.startswith("/") and "\x00" not in target:
        return target
    return reverse("following")


@require_POST
def change(request):
    """Follow (`action=follow`) or stop following a topic, then back to the page the button was on."""
    back = _back_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        chosen = topic(
            request.POST.get("kind", ""), QueryDict(request.POST.get("key", "")[:2000]), _programmes()
        )
    except Refused as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(back)
    follows = Follow.objects.filter(user=request.user)
    if request.POST.get("action") == "follow":
        if follows.count() >= MAX_FOLLOWS:
            messages.error(
                request, _("Je volgt al %(count)s onderwerpen; stop er eerst een.") % {"count": MAX_FOLLOWS}
            )
            return HttpResponseRedirect(back)
        try:
            with transaction.atomic():
                Follow.objects.get_or_create(user=request.user, kind=chosen.kind, key=chosen.key)
                Subscription.objects.get_or_create(user=request.user)
        except IntegrityError:  # the same button pressed twice at once: followed either way
            pass
        messages.success(request, _("Je volgt nu: %(topic)s.") % {"topic": chosen.label()})
    else:
        follows.filter(kind=chosen.kind, key=chosen.key).delete()
        messages.success(request, _("Je volgt niet meer: %(topic)s.") % {"topic": chosen.label()})
    return HttpResponseRedirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def following(request):
    """What the reader follows, each with a button to stop, and how often they want the digest."""
    subscription = Subscription.objects.filter(user=request.user).first()
    initial = {"frequency": subscription.frequency if subscription else Frequency.WEEKLY}
    form = FrequencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        Subscription.objects.update_or_create(
            user=request.user, defaults={"frequency": form.cleaned_data["frequency"]}
        )
        messages.success(request, _("Je keuze voor de e-mail is bewaard."))
        return redirect("following")
    programmes = _programmes()
    topics = []
    for follow in Follow.objects.filter(user=request.user).order_by("kind", "created_at"):
        found = topic_of(follow, programmes)
        topics.append({"follow": follow, "topic": found, "label": found.label() if found else follow.key})
    return render(
        request,
        "follows/following.html",
        {"topics": topics, "form": form},
        status=400 if form.is_bound else 200,
    )


@csrf_exempt  # mail programs post RFC 8058's one-click unsubscribe without a form of ours
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    user = user_from_token(token)
    if user is None:
        return render(request, "follows/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        unsubscribe(user)
        return render(request, "follows/unsubscribe.html", {"done": True})
    return render(request, "follows/unsubscribe.html", {"token": token})


def _programmes():
    return all_programmes(ContentVersion.current())
