"""DEALKENNIS_OIDC_* are parsed strictly: what cannot be understood stops the process, naming the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from dealkennis.oidc_settings import form_action_sources, read_oidc_settings
from tests.test_settings import _manage

MINIMAL = {
    "DEALKENNIS_OIDC_ISSUER": "https://login.example.nl/realms/rijk",
    "DEALKENNIS_OIDC_CLIENT_ID": "dealkennis",
    "DEALKENNIS_OIDC_CLIENT_SECRET": "geheim",
}


@pytest.fixture
def environment(monkeypatch):
    def set_to(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return read_oidc_settings()

    return set_to


def test_without_an_issuer_oidc_is_off_and_the_local_form_stays(environment):
    oidc = environment()
    assert oidc["OIDC_ENABLED"] is False
    assert oidc["OIDC_LOCAL_LOGIN"] is True
    assert form_action_sources(oidc) == []


def test_an_issuer_with_client_turns_oidc_on_with_safe_defaults(environment):
    oidc = environment(**MINIMAL)
    assert oidc["OIDC_ENABLED"] is True
    assert (
        oidc["OIDC_DISCOVERY_URL"] == "https://login.example.nl/realms/rijk/.well-known/openid-configuration"
    )
    assert oidc["OIDC_RP_SCOPES"] == "openid email profile"
    assert oidc["OIDC_LOCAL_LOGIN"] is False
    assert oidc["OIDC_ALLOWED_DOMAINS"] == []
    assert (oidc["OIDC_USE_PKCE"], oidc["OIDC_USE_NONCE"]) == (True, True)
    assert form_action_sources(oidc) == ["https://login.example.nl"]


def test_every_variable_is_read(environment):
    oidc = environment(
        **MINIMAL,
        DEALKENNIS_OIDC_DISCOVERY_URL="https://login.example.nl/anders/.well-known/openid-configuration",
        DEALKENNIS_OIDC_SCOPES="openid, email groups",
        DEALKENNIS_OIDC_ALLOWED_DOMAINS="Rijksoverheid.nl, @minbzk.nl",
        DEALKENNIS_OIDC_GROUPS_CLAIM="realm_access.roles",
        DEALKENNIS_OIDC_COORDINATOR_GROUPS="coordinatoren",
        DEALKENNIS_OIDC_EDITOR_GROUPS="redactie, kernteam",
        DEALKENNIS_OIDC_LOCAL_LOGIN="true",
        DEALKENNIS_OIDC_SIGN_ALGO="ES256",
        DEALKENNIS_OIDC_TIMEOUT="3",
    )
    assert oidc["OIDC_DISCOVERY_URL"] == "https://login.example.nl/anders/.well-known/openid-configuration"
    assert oidc["OIDC_RP_SCOPES"] == "openid email groups"
    assert oidc["OIDC_ALLOWED_DOMAINS"] == ["rijksoverheid.nl", "minbzk.nl"]
    assert oidc["OIDC_GROUPS_CLAIM"] == "realm_access.roles"
    assert oidc["OIDC_COORDINATOR_GROUPS"] == ["coordinatoren"]
    assert oidc["OIDC_EDITOR_GROUPS"] == ["redactie", "kernteam"]
    assert (oidc["OIDC_LOCAL_LOGIN"], oidc["OIDC_RP_SIGN_ALGO"], oidc["OIDC_TIMEOUT"]) == (True, "ES256", 3)


@pytest.mark.parametrize(
    "values, named",
    [
        ({"DEALKENNIS_OIDC_CLIENT_ID": "dealkennis"}, "DEALKENNIS_OIDC_CLIENT_ID is set but"),
        ({**MINIMAL, "DEALKENNIS_OIDC_CLIENT_SECRET": ""}, "DEALKENNIS_OIDC_CLIENT_SECRET is required"),
        ({**MINIMAL, "DEALKENNIS_OIDC_ISSUER": "http://login.example.nl"}, "DEALKENNIS_OIDC_ISSUER must be"),
        ({**MINIMAL, "DEALKENNIS_OIDC_ISSUER": "login.example.nl"}, "DEALKENNIS_OIDC_ISSUER must be"),
        ({**MINIMAL, "DEALKENNIS_OIDC_DISCOVERY_URL": "https://x.nl/?a=b"}, "DEALKENNIS_OIDC_DISCOVERY_URL"),
        ({**MINIMAL, "DEALKENNIS_OIDC_SCOPES": "openid profile"}, "DEALKENNIS_OIDC_SCOPES must include"),
        ({**MINIMAL, "DEALKENNIS_OIDC_ALLOWED_DOMAINS": "rijk, *.nl"}, "DEALKENNIS_OIDC_ALLOWED_DOMAINS"),
        ({**MINIMAL, "DEALKENNIS_OIDC_LOCAL_LOGIN": "soms"}, "DEALKENNIS_OIDC_LOCAL_LOGIN"),
        ({**MINIMAL, "DEALKENNIS_OIDC_SIGN_ALGO": "HS256"}, "DEALKENNIS_OIDC_SIGN_ALGO"),
        ({**MINIMAL, "DEALKENNIS_OIDC_TIMEOUT": "600"}, "DEALKENNIS_OIDC_TIMEOUT"),
    ],
)
def test_a_wrong_value_stops_with_the_variable_named(environment, values, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        environment(**values)


def test_http_is_allowed_for_a_provider_on_this_machine_only(environment):
    oidc = environment(**{**MINIMAL, "DEALKENNIS_OIDC_ISSUER": "http://127.0.0.1:8080"})
    assert form_action_sources(oidc) == ["http://127.0.0.1:8080"]


def test_the_sites_csp_lets_the_logout_form_lead_to_the_provider():
    """In a fresh process, as deployed (the provider need not be reachable to start)."""
    script = "from django.conf import settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES'])"
    result = _manage("shell", "-c", script, **MINIMAL)
    assert result.returncode == 0, result.stderr
    assert "'form-action': [\"'self'\", 'https://login.example.nl']" in result.stdout
