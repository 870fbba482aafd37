"""Signing in with the organisation's account, against a real OpenID provider (tests/oidc_support.py).

The site runs in-process (Django's test client); the provider is a Node.js
process of its own, and the site talks to it over HTTP as in production
(discovery, token, keys, userinfo). What a browser does at the provider, a
requests session does here; tests/test_oidc_browser.py does it in Chromium.
"""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from dealkennis.roles import COORDINATOR, EDITOR
from tests.conftest import ensure_roles
from tests.oidc_support import (
    CLIENT_ID,
    callback_path,
    running_provider,
    sign_in_at_provider,
    use_provider,
)
from tests.test_notifications import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

User = get_user_model()
SITE = "http://testserver"
CALLBACK = f"{SITE}/account/oidc/callback/"
FAILED = "Inloggen met je organisatieaccount is niet gelukt."


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("oidc"), [SITE]) as issuer:
        yield issuer


@pytest.fixture
def oidc(settings, provider):
    use_provider(settings, provider)
    ensure_roles()
    return provider


def start(client, next_url=""):
    response = client.get("/account/oidc/inloggen/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content.decode()[:300]
    return response["Location"]


def answer_for(client, login, next_url=""):
    """The provider's answer (the callback URL) after `login` signed in there."""
    return sign_in_at_provider(start(client, next_url), login, CALLBACK)


def sign_in(client, login, next_url=""):
    return client.get(callback_path(answer_for(client, login, next_url)))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def page_after(client, response):
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


# --- The login page ---------------------------------------------------------------------------


def test_with_oidc_the_login_page_offers_the_organisation_account_instead_of_the_form(client, oidc):
    page = client.get("/account/login/?next=/lessen/").content.decode()
    assert "Inloggen met je organisatieaccount" in page
    assert 'href="/account/oidc/inloggen/?next=/lessen/"' in page
    assert 'name="password"' not in page
    english = client.get("/account/login/", HTTP_COOKIE="django_language=en").content.decode()
    assert "Sign in with your organisation account" in english


def test_both_ways_in_when_the_local_form_is_kept(client, settings, oidc):
    settings.OIDC_LOCAL_LOGIN = True
    page = client.get("/account/login/").content.decode()
    assert "Inloggen met je organisatieaccount" in page
    assert 'name="password"' in page


def test_without_oidc_only_the_local_form_and_no_oidc_pages(client):
    page = client.get("/account/login/").content.decode()
    assert "organisatieaccount" not in page
    assert 'name="password"' in page
    assert client.get("/account/oidc/inloggen/").status_code == 404
    assert client.get("/account/oidc/callback/?state=x&code=y").status_code == 404


def test_the_local_form_refuses_a_password_when_only_the_organisation_account_signs_in(client, oidc, member):
    response = client.post("/account/login/", {"username": "ambtenaar", "password": "geheim-wachtwoord-1"})
    assert "Inloggen met gebruikersnaam en wachtwoord staat uit" in page_after(client, response)
    assert signed_in_user(client) is None


def test_the_privacy_page_says_what_the_organisation_account_passes_on_only_when_it_is_used(
    client, settings, oidc
):
    said = "Log je in met je organisatieaccount, dan geeft je organisatie ons je naam"
    assert said in client.get("/account/privacy/").content.decode()
    settings.OIDC_ENABLED = False
    assert said not in client.get("/account/privacy/").content.decode()


# --- Signing in -------------------------------------------------------------------------------


def test_a_first_sign_in_makes_a_reader_with_only_name_and_email(client, oidc):
    response = sign_in(client, "bram", next_url="/lessen/")
    assert response.status_code == 302
    assert response["Location"] == "/lessen/"
    user = signed_in_user(client)
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "bram@minbzk.nl",
        "bram@minbzk.nl",
        "Bram",
        "Bakker",
    )
    assert not user.has_usable_password()
    assert client.session["oidc_id_token"].count(".") == 2


def test_an_existing_account_is_found_by_its_email_whatever_the_case(client, oidc):
    invited = User.objects.create_user("anna.de.vries@rijksoverheid.nl", "anna.de.vries@rijksoverheid.nl")
    sign_in(client, "anna")  # the provider says Anna.de.Vries@rijksoverheid.nl
    assert signed_in_user(client) == invited
    assert User.objects.count() == 1


def test_roles_follow_the_provider_groups_at_every_sign_in(client, oidc):
    sign_in(client, "anna")
    anna = signed_in_user(client)
    newsletter = Group.objects.create(name="Nieuwsbrief")
    anna.groups.add(newsletter)
    assert [group.name for group in anna.groups.exclude(pk=newsletter.pk)] == [COORDINATOR]
    assert anna.is_staff
    assert client.get("/admin/").status_code == 200

    later = requests.Session()  # the same person, a month later, without the coordinators' group
    client.get(callback_path(sign_in_at_provider(start(client), "anna-later", CALLBACK, later)))
    anna.refresh_from_db()
    assert signed_in_user(client) == anna
    assert list(anna.groups.all()) == [newsletter]  # only the roles follow the provider
    assert not anna.is_staff

    sign_in(client, "bram")
    bram = signed_in_user(client)
    assert [group.name for group in bram.groups.all()] == [EDITOR]
    assert bram.is_staff


def test_a_superuser_keeps_its_rights_whatever_the_groups(client, oidc):
    User.objects.create_superuser("beheer", "lezer@minbzk.nl", "x")
    sign_in(client, "lezer")
    user = signed_in_user(client)
    assert (user.username, user.is_superuser, user.is_staff) == ("beheer", True, True)


def test_without_a_mapping_roles_are_left_as_the_admin_set_them(client, settings, oidc):
    settings.OIDC_COORDINATOR_GROUPS = []
    settings.OIDC_EDITOR_GROUPS = []
    editor = User.objects.create_user("lezer@minbzk.nl", "lezer@minbzk.nl", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))
    sign_in(client, "lezer")
    editor.refresh_from_db()
    assert [group.name for group in editor.groups.all()] == [EDITOR]
    assert editor.is_staff


def test_a_deactivated_account_is_not_let_in(client, oidc):
    User.objects.create_user("lezer@minbzk.nl", "lezer@minbzk.nl", is_active=False)
    page = page_after(client, sign_in(client, "lezer"))
    assert "Je account op Dealkennis is gedeactiveerd" in page
    assert signed_in_user(client) is None


# --- Who is refused ---------------------------------------------------------------------------


def test_an_address_outside_the_allowed_domains_is_refused_with_a_dutch_message(client, oidc):
    response = sign_in(client, "buiten")
    assert response["Location"] == "/account/login/"
    page = page_after(client, response)
    assert "Met een e-mailadres op gmail.com kun je hier niet inloggen" in page
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_any_domain_is_let_in_when_none_are_listed(client, settings, oidc):
    settings.OIDC_ALLOWED_DOMAINS = []
    sign_in(client, "buiten")
    assert signed_in_user(client).email == "iemand@gmail.com"


def test_an_address_the_provider_did_not_verify_is_refused(client, oidc):
    page = page_after(client, sign_in(client, "onbevestigd"))
    assert "Je organisatie heeft je e-mailadres nog niet bevestigd" in page
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "login, reason",
    [
        ("verkeerd-publiek", "InvalidAudienceError"),
        ("verlopen", "ExpiredSignatureError"),
        ("andere-uitgever", "InvalidIssuerError"),
        ("andere-nonce", "JWT Nonce verification failed"),
    ],
)
def test_an_id_token_wrong_in_one_claim_is_refused(client, oidc, caplog, login, reason):
    """The provider signs these with its real key; each is wrong in one claim only (provider.mjs)."""
    with caplog.at_level(logging.WARNING, logger="accounts.oidc.views"):
        page = page_after(client, sign_in(client, login))
    assert FAILED in page
    assert reason in caplog.text
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_a_tampered_state_is_refused_and_the_genuine_answer_still_works(client, oidc):
    answer = answer_for(client, "lezer")
    state = parse_qs(urlsplit(answer).query)["state"][0]
    tampered = callback_path(answer).replace(f"state={state}", f"state={state[::-1]}")
    assert FAILED in page_after(client, client.get(tampered))
    assert signed_in_user(client) is None
    client.get(callback_path(answer))
    assert signed_in_user(client).email == "lezer@minbzk.nl"


def test_an_answer_is_used_once_and_only_in_the_session_that_asked(client, oidc):
    answer = callback_path(answer_for(client, "lezer"))
    stranger = type(client)()
    assert FAILED in page_after(stranger, stranger.get(answer))
    client.get(answer)
    assert signed_in_user(client) is not None
    client.logout()
    assert FAILED in page_after(client, client.get(answer))
    assert signed_in_user(client) is None


def test_an_answer_from_another_sign_in_of_the_same_session_is_refused(client, oidc):
    """Two sign-ins started, the answer to the first brought back with the second's state."""
    first = answer_for(client, "lezer")
    second = start(client)
    second_state = parse_qs(urlsplit(second).query)["state"][0]
    first_state = parse_qs(urlsplit(first).query)["state"][0]
    swapped = callback_path(first).replace(f"state={first_state}", f"state={second_state}")
    assert FAILED in page_after(client, client.get(swapped))
    assert signed_in_user(client) is None


def test_a_sign_in_cancelled_at_the_provider_says_so(client, oidc):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get("/account/oidc/callback/", {"state": state, "error": "access_denied"})
    assert "Het inloggen bij je organisatie is afgebroken" in page_after(client, response)


def test_a_provider_that_is_down_gives_a_dutch_message_and_the_site_stays_up(client, settings, oidc):
    down = f"http://127.0.0.1:{free_port()}"
    use_provider(settings, down)
    response = client.get("/account/oidc/inloggen/?next=/lessen/")
    assert response["Location"] == "/account/login/?next=%2Flessen%2F"
    assert "de inlogdienst van je organisatie is niet bereikbaar" in page_after(client, response)
    assert client.get("/").status_code == 200


def test_a_discovery_document_naming_another_issuer_is_not_used(client, settings, oidc):
    """OpenID Connect Discovery: the document must name the issuer the site was configured with."""
    use_provider(
        settings, "https://login.example.nl", OIDC_DISCOVERY_URL=f"{oidc}/.well-known/openid-configuration"
    )
    response = client.get("/account/oidc/inloggen/")
    assert "de inlogdienst van je organisatie is niet bereikbaar" in page_after(client, response)


# --- django-axes ------------------------------------------------------------------------------


def test_a_locked_out_username_still_signs_in_with_the_organisation_account(client, settings, oidc):
    settings.OIDC_LOCAL_LOGIN = True
    User.objects.create_user("lezer@minbzk.nl", "lezer@minbzk.nl", "het-echte-wachtwoord-1")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/login/", {"username": "lezer@minbzk.nl", "password": "fout"})
    right = {"username": "lezer@minbzk.nl", "password": "het-echte-wachtwoord-1"}
    locked = client.post("/account/login/", right)
    assert locked.status_code == 429
    assert signed_in_user(client) is None

    sign_in(client, "lezer")
    assert signed_in_user(client).username == "lezer@minbzk.nl"


def test_failed_organisation_sign_ins_do_not_count_toward_a_lockout(client, settings, oidc):
    for login in ["buiten", "onbevestigd", "verlopen"] * 3:
        sign_in(client, login)
    client.get("/account/oidc/callback/?state=verzonnen&code=verzonnen")
    assert not AccessAttempt.objects.exists()


# --- Logging out ------------------------------------------------------------------------------


def test_logging_out_ends_the_session_here_and_sends_the_user_to_the_provider(client, oidc):
    browser = requests.Session()
    client.get(callback_path(sign_in_at_provider(start(client), "lezer", CALLBACK, browser)))
    id_token = client.session["oidc_id_token"]
    response = client.post("/account/logout/")
    assert signed_in_user(client) is None
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc}/session/end"
    query = parse_qs(location.query)
    assert query == {
        "id_token_hint": [id_token],
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": [f"{SITE}/"],
    }
    # At the provider: confirm, and come back to the site.
    assert sign_in_at_provider(response["Location"], "", f"{SITE}/", browser).startswith(f"{SITE}/")
    # Signed out there too: the next sign-in asks for a login again.
    again = browser.get(start(client), allow_redirects=True, timeout=10)
    assert 'name="login"' in again.text


def test_the_admins_log_out_also_signs_out_at_the_provider_after_an_organisation_sign_in(
    client, oidc, coordinator_client
):
    sign_in(client, "anna")
    assert (
        'id="logout-form" method="post" action="/account/logout/"' in client.get("/admin/").content.decode()
    )
    local = coordinator_client.get("/admin/").content.decode()
    assert 'id="logout-form" method="post" action="/admin/logout/"' in local


def test_logging_out_after_a_local_sign_in_stays_on_the_site(client, settings, oidc, member):
    settings.OIDC_LOCAL_LOGIN = True
    client.post("/account/login/", {"username": "ambtenaar", "password": "geheim-wachtwoord-1"})
    assert signed_in_user(client) == member
    response = client.post("/account/logout/")
    assert response["Location"] == "/"
    assert signed_in_user(client) is None
