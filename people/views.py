"""Who is who: the list of colleagues, the role matrix and one's own profile; signed-in only."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealkennis.models import Programme
from people.forms import ProfileForm
from people.models import ROLE_HELP, Profile, Role
from people.search import matching

PAGE_SIZE = 24
QUERY_LENGTH = 200


def _listed(user):
    return Profile.objects.visible_to(user).prefetch_related("programmes", "deals")


@login_required
def people_list(request):
    programmes = list(Programme.objects.only("name", "slug"))
    programme = next((p for p in programmes if p.slug == request.GET.get("programma")), None)
    role = request.GET.get("rol") if request.GET.get("rol") in Role.values else None
    # PostgreSQL text cannot hold a NUL byte.
    query = request.GET.get("q", "").replace("\x00", " ")[:QUERY_LENGTH].strip()
    profiles = _listed(request.user)
    if programme is not None:
        profiles = profiles.filter(programmes=programme)
    if role is not None:
        profiles = profiles.filter(roles__contains=[role])
    if query:
        profiles = matching(profiles, query)
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "people/people_list.html",
        {
            "page": page,
            "programmes": programmes,
            "programme": programme,
            "role": role,
            "roles": [(value, label, ROLE_HELP[value]) for value, label in Role.choices],
            "query": query,
        },
    )


@login_required
def role_matrix(request):
    """Per role and programme, how many colleagues are known: where nobody is, it says so."""
    programmes = list(Programme.objects.only("name", "slug"))
    # One row per profile and programme it works on; its roles are distinct (a set of choices).
    rows = Profile.objects.visible_to(request.user).values_list("roles", "programmes")
    counts = Counter((role, programme_id) for roles, programme_id in rows for role in set(roles))
    matrix = [
        {
            "role": value,
            "label": label,
            "help": ROLE_HELP[value],
            "cells": [{"programme": p, "count": counts.get((value, p.pk), 0)} for p in programmes],
        }
        for value, label in Role.choices
    ]
    return render(request, "people/role_matrix.html", {"matrix": matrix, "programmes": programmes})


@login_required
def my_profile(request):
    profile = Profile.objects.filter(user=request.user).first()
    if profile is None:
        name = request.user.get_full_name() or request.user.get_username()
        profile = Profile(user=request.user, name=name)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.instance.published:
            messages.success(request, _("Je profiel is bewaard en zichtbaar voor ingelogde collega's."))
        else:
            messages.success(
                request, _("Je profiel is bewaard. Alleen jij ziet het, tot je het zichtbaar maakt.")
            )
        return redirect("my-profile")
    return render(request, "people/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_POST
def remove_profile(request):
    deleted, _rows = Profile.objects.filter(user=request.user).delete()
    if deleted:
        messages.success(request, _("Je profiel is verwijderd. Niemand ziet het nog."))
    return redirect("my-profile")
