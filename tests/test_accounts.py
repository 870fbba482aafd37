"""Local accounts: how to get one, password reset, invitations, and what a coordinator may do with them.

Mail goes through Django's SMTP backend to a real SMTP server (aiosmtpd, in a
process of its own; the fixtures of test_notifications). Signing in uses the
real login form, so django-axes guards it as in production.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

from dealkennis.roles import EDITOR
from tests import test_notifications as mail
from tests.conftest import staff_client
from tests.test_notifications import SITE, body_of

# The SMTP server process and the mail settings pointed at it.
smtp_server = mail.smtp_server
received = mail.received

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "een-nieuw-wachtwoord-7"


def sign_in(username, password, ip="10.0.0.9"):
    client = Client()
    response = client.post("/account/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    return client, response


def link_in(message):
    return re.search(rf"{re.escape(SITE)}(/account/\S+)", body_of(message)).group(1)


@pytest.fixture
def coordinator():
    from dealkennis.roles import COORDINATOR

    return staff_client(COORDINATOR, "coordinator")


# --- The login page ---------------------------------------------------------------------------


def test_the_login_page_says_how_to_get_an_account_and_links_to_password_reset(client):
    page = client.get("/account/login/").content.decode()
    assert "Nog geen account?" in page
    assert "Vraag de coördinator van je dealprogramma om een uitnodiging" in page
    assert 'href="/account/wachtwoord-vergeten/"' in page
    english = client.get("/account/login/", HTTP_COOKIE="django_language=en").content.decode()
    assert "No account yet?" in english
    assert "Forgot your password?" in english


# --- Password reset ---------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_by_mail_once_and_then_signs_in(client, received, member):
    response = client.post("/account/wachtwoord-vergeten/", {"email": "AMBTENAAR@example.nl"})
    assert response.status_code == 302
    assert response["Location"] == "/account/wachtwoord-vergeten/verstuurd/"
    [message] = received()
    assert message["To"] == "ambtenaar@example.nl"
    assert message["Subject"] == "Nieuw wachtwoord voor Dealkennis"
    assert "Je gebruikersnaam is: ambtenaar" in body_of(message)
    link = link_in(message)

    form = client.get(link, follow=True)
    assert "Nieuw wachtwoord kiezen" in form.content.decode()
    weak = client.post(form.redirect_chain[-1][0], {"new_password1": "kort", "new_password2": "kort"})
    assert weak.status_code == 200
    assert "Dit wachtwoord is te kort" in weak.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == "/account/wachtwoord-gekozen/"

    assert sign_in("ambtenaar", NEW_PASSWORD)[1].status_code == 302
    again = Client().get(link, follow=True).content.decode()
    assert "Deze link werkt niet meer" in again


def test_the_reset_answers_the_same_whether_or_not_an_address_has_an_account(client, received, member):
    known = client.post("/account/wachtwoord-vergeten/", {"email": "ambtenaar@example.nl"})
    unknown = client.post("/account/wachtwoord-vergeten/", {"email": "niemand@example.nl"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message["To"] for message in received()] == ["ambtenaar@example.nl"]


def test_a_reset_with_bad_input_gets_a_dutch_message_never_an_error(client, received):
    invalid = client.post("/account/wachtwoord-vergeten/", {"email": "geen adres"})
    assert invalid.status_code == 200
    assert "Voer een geldig e-mailadres in." in invalid.content.decode()
    for path in ("/account/wachtwoord-kiezen/xx/yy/", "/account/wachtwoord-kiezen/%00%ff/set-password/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Deze link werkt niet meer" in response.content.decode()
    assert received() == []


# --- Invitations ------------------------------------------------------------------------------


def invite(client, email="nieuw@example.nl", **kwargs):
    return client.post("/admin/auth/user/uitnodigen/", {"email": email, "first_name": "Nina"}, **kwargs)


def test_an_invited_colleague_chooses_a_password_once_and_signs_in(received, coordinator):
    client, _ = coordinator
    response = invite(client, "Nina.de.Vries@example.nl")
    assert response["Location"] == "/admin/auth/user/"
    user = User.objects.get(email="Nina.de.Vries@example.nl")
    assert user.username == "nina.de.vries@example.nl"
    assert not user.has_usable_password() and not user.is_staff
    assert sign_in(user.username, "")[1].status_code == 200  # no password yet: no way in

    [message] = received()
    assert message["Subject"] == "Je uitnodiging voor Dealkennis"
    assert "Beste Nina," in body_of(message)
    assert "Je gebruikersnaam is: nina.de.vries@example.nl" in body_of(message)
    link = link_in(message)
    assert link.startswith("/account/uitnodiging/")

    visitor = Client()
    form = visitor.get(link, follow=True)
    assert "Kies een wachtwoord voor je account" in form.content.decode()
    set_password = form.redirect_chain[-1][0]
    mismatch = visitor.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": "anders-123456"})
    assert "De twee wachtwoordvelden komen niet overeen." in mismatch.content.decode()
    done = visitor.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/account/login/?username=nina.de.vries@example.nl"
    login_page = visitor.get(done["Location"]).content.decode()
    assert "Je wachtwoord is ingesteld" in login_page
    assert 'value="nina.de.vries@example.nl"' in login_page

    assert sign_in(user.username, NEW_PASSWORD)[1]["Location"] == "/"
    assert "werkt niet meer" in Client().get(link, follow=True).content.decode()


def test_a_reset_link_does_not_open_an_invitation_nor_the_other_way_round(received, coordinator):
    invite(coordinator[0])
    invitation = link_in(received()[0])
    as_reset = invitation.replace("/uitnodiging/", "/wachtwoord-kiezen/")
    assert "Deze link werkt niet meer" in Client().get(as_reset, follow=True).content.decode()


def test_the_invitation_of_a_deactivated_account_opens_nothing(received, coordinator):
    invite(coordinator[0])
    User.objects.filter(email="nieuw@example.nl").update(is_active=False)
    page = Client().get(link_in(received()[0]), follow=True).content.decode()
    assert "Deze uitnodiging werkt niet meer" in page


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Dit veld is verplicht."),
        ("geen-adres", "Voer een geldig e-mailadres in."),
        ("AMBTENAAR@example.nl", "Er bestaat al een account met dit e-mailadres."),
        ("x" * 200 + "@example.nl", "Zorg dat deze waarde niet meer dan 150 tekens bevat"),
    ],
)
def test_an_invitation_with_bad_input_gets_a_dutch_message(received, coordinator, member, email, message):
    response = invite(coordinator[0], email)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert received() == []
    assert User.objects.count() == 2


def test_only_those_who_may_add_users_invite(received):
    editor, _ = staff_client(EDITOR, "redacteur")
    assert editor.get("/admin/auth/user/uitnodigen/").status_code == 403
    assert invite(editor).status_code == 403
    assert not User.objects.filter(email="nieuw@example.nl").exists()


def test_a_coordinator_can_send_an_invitation_again(received, coordinator):
    client, _ = coordinator
    invite(client)
    user = User.objects.get(email="nieuw@example.nl")
    response = client.post(
        "/admin/auth/user/", {"action": "resend_invitation", "_selected_action": [user.pk]}, follow=True
    )
    assert "1 uitnodiging verstuurd." in response.content.decode()
    assert len(received()) == 2


def test_a_failing_mail_server_leaves_the_account_and_says_so(settings, coordinator, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = invite(coordinator[0], follow=True)
    assert response.status_code == 200
    assert "de mail kon niet worden verstuurd" in response.content.decode()
    assert User.objects.filter(email="nieuw@example.nl").exists()


# --- What a coordinator may do with accounts --------------------------------------------------


@pytest.fixture
def accounts(db):
    reader = User.objects.create_user("lezer", "lezer@example.nl", "x")
    staff = User.objects.create_user("collega-staf", "staf@example.nl", "x", is_staff=True)
    return reader, staff


def test_a_coordinator_sees_readers_but_not_staff(coordinator, accounts):
    page = coordinator[0].get("/admin/auth/user/").content.decode()
    assert "lezer@example.nl" in page
    assert "staf@example.nl" not in page
    assert "Collega uitnodigen" in page


def test_a_coordinator_deactivates_readers_and_never_staff_in_bulk(coordinator, accounts):
    client, me = coordinator
    reader, staff = accounts
    client.post(
        "/admin/auth/user/",
        {"action": "deactivate", "_selected_action": [reader.pk, staff.pk, me.pk]},
    )
    reader.refresh_from_db(), staff.refresh_from_db(), me.refresh_from_db()
    assert (reader.is_active, staff.is_active, me.is_active) == (False, True, True)


def test_a_coordinator_cannot_open_or_change_a_staff_account(coordinator, accounts):
    client, _ = coordinator
    _, staff = accounts
    url = f"/admin/auth/user/{staff.pk}/change/"
    assert client.get(url).status_code == 302  # "does not exist", back to the admin
    client.post(url, {"username": "collega-staf", "email": "staf@example.nl", "is_active": ""})
    assert client.get(f"/admin/auth/user/{staff.pk}/password/").status_code in (302, 403)
    staff.refresh_from_db()
    assert staff.is_active


def test_a_coordinator_changes_a_reader_but_cannot_make_them_staff(coordinator, accounts):
    client, _ = coordinator
    reader, _ = accounts
    url = f"/admin/auth/user/{reader.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="is_active"' in page and 'name="is_staff"' not in page
    response = client.post(
        url,
        {
            "first_name": "Lea",
            "last_name": "",
            "email": "lezer@example.nl",
            "is_staff": "on",
            "is_superuser": "on",
            "username": "overgenomen",
        },
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert (reader.first_name, reader.is_active) == ("Lea", False)
    assert (reader.is_staff, reader.is_superuser, reader.username) == (False, False, "lezer")
    assert client.get(f"/admin/auth/user/{reader.pk}/password/").status_code == 403
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.post(f"/admin/auth/user/{reader.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=reader.pk).exists()


def test_a_superuser_manages_staff_accounts_too(accounts):
    _, staff = accounts
    root = User.objects.create_superuser("root", "root@example.nl", "x")
    client = Client()
    client.force_login(root)
    assert "staf@example.nl" in client.get("/admin/auth/user/").content.decode()
    client.post("/admin/auth/user/", {"action": "deactivate", "_selected_action": [staff.pk]})
    staff.refresh_from_db()
    assert not staff.is_active


def test_a_deactivated_reader_cannot_sign_in(coordinator, accounts):
    reader, _ = accounts
    reader.set_password(NEW_PASSWORD)
    reader.save()
    coordinator[0].post("/admin/auth/user/", {"action": "deactivate", "_selected_action": [reader.pk]})
    _, response = sign_in("lezer", NEW_PASSWORD)
    assert response.status_code == 200
    assert AccessAttempt.objects.filter(username="lezer").exists()


def test_the_same_address_invited_twice_at_once_gets_a_message_not_an_error(
    received, coordinator, monkeypatch
):
    # The second of two simultaneous invitations passes the form's check and meets the unique username.
    User.objects.create_user("gelijk@example.nl", "", "x")
    monkeypatch.setattr("accounts.forms.InvitationForm.clean_email", lambda form: form.cleaned_data["email"])
    response = invite(coordinator[0], "gelijk@example.nl")
    assert response.status_code == 200
    assert "Er bestaat al een account met dit e-mailadres." in response.content.decode()
    assert received() == []
