"""Every URL the site has, for every kind of user: nothing secret leaks, nothing breaks.

The URL resolver is walked, so a page added later is covered automatically;
a route whose parameters this test does not know how to fill fails the test.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLResolver, get_resolver

from dealkennis.models import Deal
from dealkennis.roles import COORDINATOR, EDITOR
from lessons.models import FollowUp
from strategies.models import LearningStrategy

pytestmark = pytest.mark.django_db

INTERNAL_CARD = "Geheimkaartzzz"
INTERNAL_LESSON = "Internelesqqq"
DRAFT_LESSON = "Conceptlesxxx"
REVIEW_CARD = "Reviewkaartvvv"
INTERNAL_STRATEGY = "Internestrategieppp"
DRAFT_STRATEGY = "Conceptstrategiekkk"
INTERNAL_FOLLOWUP_OWNER = "Trekkerzonderlogin"
SECRETS_FOR_SIGNED_IN = {DRAFT_LESSON, REVIEW_CARD, DRAFT_STRATEGY}
ALL_SECRETS = {
    INTERNAL_CARD,
    INTERNAL_LESSON,
    INTERNAL_STRATEGY,
    INTERNAL_FOLLOWUP_OWNER,
} | SECRETS_FOR_SIGNED_IN
ROLES = ["anonymous", "member", "editor", "coordinator", "superuser"]


def site_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue  # the admin is covered below, model by model
            yield from site_routes(pattern, route)
        else:
            yield route, pattern.name


@pytest.fixture
def world(make_card, make_lesson, programme, deal):
    public_card = make_card(title="Openbare kaart", tags=["gedeeld"])
    public_lesson = make_lesson(title="Openbare les", tags=["gedeeld"])
    secret = {
        # Slugs that do not spell the titles: the print deck is asked for them by slug below.
        INTERNAL_CARD: make_card(
            title=INTERNAL_CARD, slug="intern-1", visibility="internal", tags=["gedeeld"]
        ),
        INTERNAL_LESSON: make_lesson(title=INTERNAL_LESSON, visibility="internal", tags=["gedeeld"]),
        DRAFT_LESSON: make_lesson(title=DRAFT_LESSON, status="draft", tags=["gedeeld"]),
        REVIEW_CARD: make_card(title=REVIEW_CARD, slug="in-review-1", status="review", tags=["gedeeld"]),
    }
    public_card.lessons.set([public_lesson, secret[INTERNAL_LESSON], secret[DRAFT_LESSON]])
    # Every item comes from one deal, so that its page meets every secret too.
    for item in [public_card, public_lesson, *secret.values()]:
        type(item).objects.filter(pk=item.pk).update(deal=deal)
    # A done follow-up on the public lesson whose record is a draft; its owner is for signed-in readers.
    FollowUp.objects.create(
        lesson=public_lesson,
        description="Openbare vervolgactie",
        order="first",
        level="task",
        owner=INTERNAL_FOLLOWUP_OWNER,
        status="done",
        done_lesson=secret[DRAFT_LESSON],
    )
    strategies = strategy_world(programme)
    secret[INTERNAL_STRATEGY], secret[DRAFT_STRATEGY] = strategies["internal"], strategies["draft"]
    return {
        "card": public_card,
        "lesson": public_lesson,
        "programme": programme,
        "strategy": strategies["public"],
        "secret": secret,
        "deal": deal,
    }


def strategy_world(programme):
    deals = [Deal.objects.create(name=f"Deal {n}", slug=f"deal-{n}", programme=programme) for n in (1, 2)]
    values = {
        "programme": programme,
        "from_others": "Van anderen.",
        "into_work": "In het werk.",
        "streams": ["social"],
        "cells": ["first-task"],
        "status": "published",
    }
    return {
        "public": LearningStrategy.objects.create(
            **values, how_learning="Openbare strategie", visibility="public"
        ),
        "internal": LearningStrategy.objects.create(
            **values, deal=deals[0], how_learning=INTERNAL_STRATEGY, visibility="internal"
        ),
        "draft": LearningStrategy.objects.create(
            **{**values, "status": "draft"}, deal=deals[1], how_learning=DRAFT_STRATEGY, visibility="public"
        ),
    }


def client_for(role):
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        return client
    User = get_user_model()
    if role == "superuser":
        user = User.objects.create_superuser("super", "s@example.nl", "x")
    else:
        user = User.objects.create_user(role, f"{role}@example.nl", "x", is_staff=role != "member")
        group = {"editor": EDITOR, "coordinator": COORDINATOR}.get(role)
        if group:
            user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def concrete_paths(route, world):
    """Fill a route's parameters with real values, and add queries that exercise it."""
    card, lesson, programme = world["card"], world["lesson"], world["programme"]
    if "<" not in route:
        paths = [f"/{route}"]
        if route in ("zoeken/", "api/zoeken/"):
            # Queries never spell a secret title in full, so the echo of the
            # query on the page cannot be mistaken for a leak.
            words = ("geheimkaart", "internelesq", "conceptles", "geheimkaartzz", "openbare", "gedeeld")
            paths += [f"/{route}?q={word}" for word in words]
            paths += [f"/{route}?q=openbare&tag=gedeeld", f"/{route}?q=reviewkaartvv"]
        if route in ("kaarten/", "lessen/", "api/kaarten/", "api/lessen/", "kaarten/afdrukken/"):
            paths += [f"/{route}?tag=gedeeld"]
        if route == "kaarten/afdrukken/":
            # Secret cards ticked by slug: skipped like unknown ones, never printed.
            ticked = "&".join(
                f"kaart={item.slug}"
                for item in world["secret"].values()
                if getattr(item, "kind", "") == "card"
            )
            paths += [f"/{route}?kaart={card.slug}&{ticked}"]
        return paths
    values = {
        "kaarten/<slug:slug>/": [card.slug],
        "lessen/<slug:slug>/": [lesson.slug],
        "api/kaarten/<str:slug>/": [card.slug],
        "api/lessen/<str:slug>/": [lesson.slug],
        "programmas/<slug:slug>/": [programme.slug],
        "api/programmas/<str:slug>/": [programme.slug],
        "feeds/programma/<slug:slug>/": [programme.slug],
        "leerstrategieen/<slug:slug>/": [world["strategy"].slug],
        # A one-time link that does not (or no longer) work: a message, never an error.
        "account/wachtwoord-kiezen/<uidb64>/<token>/": ["MQ"],
        "account/uitnodiging/<uidb64>/<token>/": ["MQ"],
        "account/volgen/afmelden/<str:token>/": ["knoeiwerk"],
        # A signal is a POST; a GET is refused (405), whoever asks.
        "vragen/zoeksignaal/<str:event>/": ["seen", "click"],
        # A gap that does not exist: staff get 404, everyone else the sign-in page.
        "vragen/zoekvraag/<int:pk>/kaartconcept/": ["999999"],
    }
    if route == "programmas/<slug:programme>/<slug:slug>/":
        return [world["deal"].get_absolute_url()]
    if route not in values:
        pytest.fail(f"The access matrix does not know how to fill {route!r}: add it to concrete_paths().")
    return [re.sub(r"<[^>]+>", value, f"/{route}") for value in values[route]]


def secret_detail_paths(world):
    secret = world["secret"]
    return {
        INTERNAL_CARD: [
            secret[INTERNAL_CARD].get_absolute_url(),
            f"/api/kaarten/{secret[INTERNAL_CARD].slug}/",
        ],
        INTERNAL_LESSON: [
            secret[INTERNAL_LESSON].get_absolute_url(),
            f"/api/lessen/{secret[INTERNAL_LESSON].slug}/",
        ],
        DRAFT_LESSON: [secret[DRAFT_LESSON].get_absolute_url(), f"/api/lessen/{secret[DRAFT_LESSON].slug}/"],
        REVIEW_CARD: [secret[REVIEW_CARD].get_absolute_url(), f"/api/kaarten/{secret[REVIEW_CARD].slug}/"],
        INTERNAL_STRATEGY: [secret[INTERNAL_STRATEGY].get_absolute_url()],
        DRAFT_STRATEGY: [secret[DRAFT_STRATEGY].get_absolute_url()],
    }


STAFF_ROLES = {"editor", "coordinator", "superuser"}


def forbidden_for(role, path):
    if role in STAFF_ROLES and path.startswith("/admin/"):
        return set()  # the admin shows staff every status by design
    if role == "anonymous" or path.startswith(("/feeds/", "/sitemap")):
        return ALL_SECRETS  # feeds and sitemaps are public whoever fetches them
    return SECRETS_FOR_SIGNED_IN


@pytest.mark.parametrize("role", ROLES)
def test_no_page_leaks_internal_or_draft_items_and_none_breaks(role, world):
    client = client_for(role)
    checked = 0
    # Signing out last, so that every other page is fetched as this role.
    for route, name in sorted(site_routes(), key=lambda route_and_name: route_and_name[1] == "logout"):
        for path in concrete_paths(route, world):
            method = client.post if name in ("logout", "set_language") else client.get
            response = method(path)
            assert response.status_code < 500, (role, path, response.status_code)
            body = response.content.decode(errors="replace").lower()
            for secret in forbidden_for(role, path):
                assert secret.lower() not in body, (role, path, secret)
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("role", ROLES)
def test_detail_pages_of_secret_items_answer_only_those_who_may_see_them(role, world):
    client = client_for(role)
    staff_preview = role in ("editor", "coordinator", "superuser")
    for secret, paths in secret_detail_paths(world).items():
        for path in paths:
            status = client.get(path).status_code
            is_api = path.startswith("/api/")
            if secret in (INTERNAL_CARD, INTERNAL_LESSON, INTERNAL_STRATEGY):
                expected = 404 if role == "anonymous" else 200
            else:
                # Unpublished: staff may preview the page (never through the API).
                expected = 200 if staff_preview and not is_api else 404
            assert status == expected, (role, path, status)


ADMIN_PAGES = [
    "/admin/",
    "/admin/cards/card/",
    "/admin/lessons/lesson/",
    "/admin/lessons/lesson/add/",
    "/admin/cards/card/add/",
    "/admin/aandacht/",
    "/admin/lessons/lesson/import/",
    "/admin/lessons/lesson/export/",
    "/admin/dealkennis/programme/",
    "/admin/strategies/learningstrategy/",
    "/admin/strategies/learningstrategy/add/",
    "/admin/lessons/followup/",
    "/admin/lessons/followup/add/",
]


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_for_staff_and_respects_the_groups(role, world):
    client = client_for(role)
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code < 500, (role, path)
        if role in ("anonymous", "member"):
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (role, path)
        elif path.endswith(("/dealkennis/programme/",)) and role == "editor":
            assert response.status_code == 200  # editors may look at programmes
        else:
            assert response.status_code == 200, (role, path, response.status_code)
    lesson = world["secret"][DRAFT_LESSON]
    delete = client.get(f"/admin/lessons/lesson/{lesson.pk}/delete/")
    if role in ("anonymous", "member"):
        assert delete.status_code == 302
    elif role == "editor":
        assert delete.status_code == 403
    else:
        assert delete.status_code == 200
    actions = client.get("/admin/lessons/lesson/")
    if role in ("editor", "coordinator", "superuser"):
        choices = dict(actions.context["action_form"].fields["action"].choices)
        assert ("publish" in choices) == (role != "editor")
        assert ("archive" in choices) == (role != "editor")


def test_the_matrix_queries_do_reach_the_secrets_for_those_allowed(world):
    # Without this, a search that found nothing at all would pass the leak test.
    member = client_for("member")
    assert INTERNAL_CARD.lower() in member.get("/zoeken/?q=geheimkaart").content.decode().lower()
    assert INTERNAL_LESSON.lower() in member.get("/api/zoeken/?q=internelesq").content.decode().lower()
    assert INTERNAL_LESSON.lower() in member.get(world["card"].get_absolute_url()).content.decode().lower()
    assert (
        INTERNAL_STRATEGY.lower()
        in member.get(world["secret"][INTERNAL_STRATEGY].get_absolute_url()).content.decode().lower()
    )
    assert (
        INTERNAL_FOLLOWUP_OWNER.lower()
        in member.get(world["lesson"].get_absolute_url()).content.decode().lower()
    )
