"""The privacy page (AVG): what is stored and why, one's own data, and removing one's account."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from tests.conftest import staff_client
from tests.test_accounts import sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "geheim-wachtwoord-1"  # the conftest's member


def test_anyone_reads_what_is_stored_and_why(client):
    page = client.get("/account/privacy/").content.decode()
    assert "Privacy: wat we over je bewaren" in page
    assert "Inlogpogingen met IP-adres en browser" in page
    assert "Log in om te zien wat we over jou bewaren." in page
    assert 'action="/account/verwijderen/"' not in page
    english = client.get("/account/privacy/", HTTP_COOKIE="django_language=en").content.decode()
    assert "Privacy: what we keep about you" in english


def test_a_signed_in_reader_sees_their_own_data(member, make_lesson):
    member.first_name, member.last_name = "Anna", "Ambtenaar"
    member.save()
    make_lesson(contributor=member, status="review", visibility="internal")
    client, _ = sign_in("ambtenaar", PASSWORD)
    page = client.get("/account/privacy/").content.decode()
    for shown in ("ambtenaar@example.nl", "Anna Ambtenaar", "lezer", "Gedeelde ervaringen</dt><dd>1 "):
        assert shown in page
    assert "Bewaarde inlogpogingen</dt><dd>1<" in page  # this sign-in, kept by django-axes
    assert 'action="/account/verwijderen/"' in page


def test_removing_needs_the_box_ticked_and_says_so_in_dutch(member_client, member):
    response = member_client.post("/account/verwijderen/", {})
    assert response.status_code == 400
    assert "Vink aan dat je je account wilt verwijderen." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active and member.email


def test_a_removed_account_is_anonymous_and_its_lessons_stay_with_een_collega(member, make_lesson, programme):
    lesson = make_lesson(title="Wat ik leerde", contributor=member, status="review", visibility="internal")
    client, _ = sign_in("ambtenaar", PASSWORD)
    AccessAttempt.objects.create(username="ambtenaar", ip_address="10.0.0.8", failures_since_start=1)
    LogEntry.objects.create(
        user=member,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(member.pk),
        object_repr="ambtenaar",
        action_flag=CHANGE,
    )

    response = client.post("/account/verwijderen/", {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Je account is verwijderd." in response.content.decode()
    assert not response.context["user"].is_authenticated

    member.refresh_from_db()
    assert member.username == f"verwijderd-{member.pk}"
    assert (member.email, member.first_name, member.last_name, member.last_login) == ("", "", "", None)
    assert not member.is_active and not member.has_usable_password()
    assert not AccessAttempt.objects.filter(username="ambtenaar").exists()
    assert not AccessLog.objects.filter(username="ambtenaar").exists()
    assert not LogEntry.objects.filter(object_repr="ambtenaar").exists()
    lesson.refresh_from_db()
    assert lesson.contributor_id == member.pk

    reviewer, _ = staff_client("Coördinator", "coordinator")
    queue = reviewer.get("/admin/beoordelen/").content.decode()
    assert "Wat ik leerde" in queue and "een collega" in queue
    detail = reviewer.get(f"/admin/beoordelen/{lesson.pk}/").content.decode()
    assert "Gedeeld door een collega op" in detail

    assert sign_in("ambtenaar", PASSWORD)[1].status_code == 200  # no way back in
    assert Client().get("/lessen/mijn-inzendingen/").status_code == 302


def test_another_session_of_a_removed_account_is_signed_out(member):
    elsewhere = Client()
    elsewhere.force_login(member)
    here = Client()
    here.force_login(member)
    here.post("/account/verwijderen/", {"confirm": "on"})
    assert elsewhere.get("/lessen/mijn-inzendingen/").status_code == 302


def test_staff_cannot_remove_their_own_account_here(coordinator_client):
    page = coordinator_client.get("/account/privacy/").content.decode()
    assert "vraag een beheerder om het te verwijderen" in page
    response = coordinator_client.post("/account/verwijderen/", {"confirm": "on"}, follow=True)
    assert "wordt door een beheerder verwijderd" in response.content.decode()
    assert User.objects.get(username="coordinator").is_active


def test_removing_asks_for_a_post_and_a_signed_in_user(client):
    assert client.get("/account/verwijderen/").status_code == 405
    assert client.post("/account/verwijderen/", {"confirm": "on"})["Location"].startswith("/account/login/")
