"""Findings of an attack on the running site in stop 35, each with the test that failed before its fix."""

import json
import re

import pytest
from django.test import Client

from questions.models import GAP_QUERY_MAX, Question

pytestmark = pytest.mark.django_db

QUESTION = "Waar vind ik iets over het opzeggen van een deal?"


@pytest.mark.parametrize("programme", ["\x00", "a\x00b", "green-deals"])
def test_the_ask_page_takes_any_programme_in_its_address(client, programme):
    response = client.get("/vragen/stellen/", {"q": "iets", "programme": programme})
    assert response.status_code == 200


def test_people_search_takes_a_nul_byte(member_client):
    assert member_client.get("/mensen/", {"q": "a\x00b"}).status_code == 200


@pytest.mark.parametrize("searched", ["woord " * 40, "a\x00b"])
def test_a_question_asked_after_any_search_can_be_sent(client, searched):
    # The search rides along in a hidden field: the visitor cannot mend it.
    page = client.get("/vragen/stellen/", {"q": searched}).content.decode()
    hidden = re.search(r'name="asked_from" value="([^"]*)"', page).group(1)
    assert len(hidden) <= GAP_QUERY_MAX and "\x00" not in hidden
    data = {"text": QUESTION, "email": "vrager@example.nl", "asked_from": searched}
    response = client.post("/vragen/stellen/", data)
    assert response.status_code == 302, response.content.decode()
    asked_from = Question.objects.get().asked_from
    assert 0 < len(asked_from) <= GAP_QUERY_MAX and "\x00" not in asked_from


@pytest.mark.parametrize(
    "path", ["/leren/?programme=%00", "/kaarten/?stream=%00", "/zoeken/?q=deal&type=%00"]
)
def test_a_notice_never_repeats_a_nul_byte_into_the_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"\x00" not in response.content
    assert "bestaat niet" in response.content.decode()


def test_a_request_with_too_many_values_gets_a_dutch_page(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/zoeken/?" + "&".join(f"x{number}=1" for number in range(1100)))
    assert response.status_code == 400
    assert "Dit verzoek kunnen we niet lezen" in response.content.decode()


@pytest.mark.parametrize("path", ["/zoeken/", "/api/zoeken/"])
def test_an_unknown_sort_and_a_page_past_the_end_are_named_not_silently_changed(client, make_card, path):
    make_card(title="Geld op tafel")
    content = client.get(path, {"q": "geld", "sort": "newest", "page": "99"}).content.decode()
    if path.startswith("/api/"):
        content = json.dumps(json.loads(content)["notices"], ensure_ascii=False)
    assert "De sortering “newest” bestaat niet; de resultaten staan op relevantie." in content
    assert "De pagina “99” bestaat niet; pagina 1 wordt getoond." in content
    # A page that exists, and a known sort, say nothing.
    plain = client.get(path, {"q": "geld", "sort": "date", "page": "1"}).content.decode()
    assert "bestaat niet" not in plain
