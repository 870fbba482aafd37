"""Security: headers, sign-in throttling, sanitising, concurrent edits, upload limits."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory, override_settings

from dealkennis.roles import COORDINATOR
from dealkennis.security import client_ip

pytestmark = pytest.mark.django_db


def test_every_page_sends_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_carries_inline_script_or_style(client, make_card, make_lesson):
    card = make_card()
    lesson = make_lesson()
    for path in [
        "/",
        "/kaarten/",
        card.get_absolute_url(),
        lesson.get_absolute_url(),
        "/zoeken/?q=item",
        "/leren/",
        "/kaarten/afdrukken/",
        "/account/login/",
        "/lessen/delen/",
    ]:
        content = client.get(path).content.decode()
        assert "<script>" not in content and "<style" not in content, path
        assert " style=" not in content and " onclick=" not in content, path


def test_security_txt_names_a_contact_and_a_future_expiry(client):
    response = client.get("/.well-known/security.txt")
    lines = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert response["Content-Type"].startswith("text/plain")
    assert lines["Contact"].startswith(("https://", "mailto:"))
    expires = datetime.datetime.fromisoformat(lines["Expires"].replace("Z", "+00:00"))
    assert (
        datetime.timedelta(days=30)
        < expires - datetime.datetime.now(datetime.UTC)
        < datetime.timedelta(days=366)
    )


def failed_login(client, username, ip="10.0.0.1", path="/account/login/"):
    return client.post(path, {"username": username, "password": "fout-wachtwoord"}, REMOTE_ADDR=ip)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_lock_out_that_username_from_that_address(client):
    get_user_model().objects.create_user("anne", "anne@example.nl", "het-goede-wachtwoord-1")
    for _ in range(2):
        assert failed_login(client, "anne").status_code == 200
    locked = failed_login(client, "anne")
    assert locked.status_code == 429
    assert "te vaak een verkeerd wachtwoord" in locked.content.decode()
    # Even the right password is refused during the cool-off...
    right = client.post(
        "/account/login/", {"username": "anne", "password": "het-goede-wachtwoord-1"}, REMOTE_ADDR="10.0.0.1"
    )
    assert right.status_code == 429
    # ...but only for that pair: the same user from elsewhere, and others from here, may try.
    elsewhere = Client().post(
        "/account/login/", {"username": "anne", "password": "het-goede-wachtwoord-1"}, REMOTE_ADDR="10.0.0.2"
    )
    assert elsewhere.status_code == 302
    assert failed_login(Client(), "bram").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_admin_sign_in_is_throttled_too(client):
    for _ in range(2):
        failed_login(client, "beheer", path="/admin/login/")
    assert failed_login(client, "beheer", path="/admin/login/").status_code == 429


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_lockout_ends_after_the_cool_off_time(client):
    get_user_model().objects.create_user("cees", "cees@example.nl", "het-goede-wachtwoord-1")
    for _ in range(2):
        failed_login(client, "cees")
    assert failed_login(client, "cees").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    response = client.post(
        "/account/login/", {"username": "cees", "password": "het-goede-wachtwoord-1"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # header ignored without a trusted proxy
        (1, "10.0.0.5", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # forged left part ignored
        (2, "10.0.0.5", "6.6.6.6, 198.51.100.1, 10.0.0.4", "198.51.100.1"),
        (1, "10.0.0.5", "", "10.0.0.5"),
        (0, "not-an-ip", "", None),
    ],
)
def test_client_ip_comes_from_a_trusted_proxy_only(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>[klik](javascript:alert(3)) **vet**"


def test_hostile_markdown_is_harmless_in_pages_snippets_feeds_and_api(client, make_lesson):
    lesson = make_lesson(
        title="Gevaarlijke les", summary="Over juristen " + HOSTILE, body="juristen " + HOSTILE
    )
    outputs = {
        "page": client.get(lesson.get_absolute_url()).content.decode(),
        "search": client.get("/zoeken/", {"q": "juristen"}).content.decode(),
        "feed": client.get("/feeds/nieuw/").content.decode(),
        "api": str(client.get(f"/api/lessen/{lesson.slug}/").json()),
        "search_api": str(client.get("/api/zoeken/", {"q": "juristen"}).json()),
    }
    for name, output in outputs.items():
        assert "<script>alert(1)" not in output, name
        assert "<img src=x onerror" not in output, name
        assert 'href="javascript:' not in output, name
    assert "<strong>vet</strong>" in outputs["page"]


def test_posting_fields_a_form_does_not_list_changes_nothing(make_lesson):
    user = get_user_model().objects.create_user("coord", "c@example.nl", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATOR))
    browser = Client()
    browser.force_login(user)
    lesson = make_lesson(title="Origineel")
    form = browser.get(f"/admin/lessons/lesson/{lesson.pk}/change/").context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "tags"}
    data.update(
        tags="",
        title="Nieuw",
        created_at="2000-01-01",
        published_at="2000-01-01",
        body_html="<script>",
        search_context="gehackt",
        contributor="",
    )
    browser.post(f"/admin/lessons/lesson/{lesson.pk}/change/", data)
    lesson.refresh_from_db()
    assert lesson.title == "Nieuw"
    assert lesson.created_at.year != 2000 and lesson.published_at.year != 2000
    assert "<script>" not in lesson.body_html
    assert "gehackt" not in lesson.search_context


def test_two_coordinators_editing_one_lesson_do_not_overwrite_each_other(make_lesson):
    user = get_user_model().objects.create_user("coord", "c@example.nl", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATOR))
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    lesson = make_lesson(title="Begin")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"

    def form_data(browser):
        form = browser.get(url).context["adminform"].form
        data = {name: form[name].value() or "" for name in form.fields}
        data["tags"] = ""
        return data

    data_first, data_second = form_data(first), form_data(second)
    data_first["title"] = "Versie van de eerste"
    assert first.post(url, data_first).status_code == 302
    data_second["title"] = "Versie van de tweede"
    response = second.post(url, data_second)
    assert response.status_code == 200
    assert "Iemand anders heeft dit item gewijzigd" in response.content.decode()
    assert "Versie van de tweede" in response.content.decode()  # what they typed is kept
    lesson.refresh_from_db()
    assert lesson.title == "Versie van de eerste"


def test_admin_import_refuses_a_huge_file_with_a_clear_message(make_lesson):
    user = get_user_model().objects.create_superuser("root", "r@example.nl", "x")
    browser = Client()
    browser.force_login(user)
    upload = io.BytesIO(b"slug,title\n" + b"x" * (50 * 1024 * 1024))
    upload.name = "groot.csv"
    response = browser.post(
        "/admin/lessons/lesson/import/", {"resource": "0", "format": "0", "import_file": upload}
    )
    assert response.status_code == 200
    assert "de grens is 10,0" in response.content.decode() or "de grens is 10.0" in response.content.decode()


def test_admin_import_refuses_a_file_in_the_wrong_encoding(programme):
    user = get_user_model().objects.create_superuser("root", "r@example.nl", "x")
    browser = Client()
    browser.force_login(user)
    upload = io.BytesIO("slug,title,programme\nles,Één les,green-deals\n".encode("utf-16"))
    upload.name = "utf16.csv"
    response = browser.post(
        "/admin/lessons/lesson/import/", {"resource": "0", "format": "0", "import_file": upload}
    )
    assert response.status_code == 200
    from lessons.models import Lesson

    assert not Lesson.objects.exists()
    assert 'name="import_file_name"' not in response.content.decode()
