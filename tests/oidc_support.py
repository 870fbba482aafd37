"""A real OpenID provider for the sign-in tests: panva's oidc-provider on Node.js (tests/oidc/provider.mjs).

Its packages are installed from the npm registry with `npm ci` into
tests/oidc/node_modules when they are missing (`make test` does the same).
Each test module starts its own provider process on a free loopback port,
with the redirect URIs of the site it tests, and stops it afterwards.

The provider's sign-in form takes any login and password; what it says about
the person comes from ACCOUNTS, keyed by the login. An account's "token"
makes it issue an ID token that is wrong in that one claim, signed with its
real key (provider.mjs).
"""

import contextlib
import json
import re
import shutil
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from dealkennis.oidc_settings import FIXED
from tests.test_notifications import free_port

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "dealkennis"
CLIENT_SECRET = "dealkennis-test-geheim"
COORDINATOR_GROUP = "dealkennis-coordinatoren"
EDITOR_GROUP = "dealkennis-redacteuren"
ALLOWED_DOMAINS = ["rijksoverheid.nl", "minbzk.nl"]


def _person(email, groups=(), verified=True, given="Test", family="Persoon"):
    claims = {"email": email, "email_verified": verified, "given_name": given, "family_name": family}
    return {"claims": {**claims, "groups": list(groups)}}


ACCOUNTS = {
    "anna": _person("Anna.de.Vries@rijksoverheid.nl", [COORDINATOR_GROUP, "iedereen"], given="Anna"),
    "anna-later": _person("anna.de.vries@rijksoverheid.nl", ["iedereen"], given="Anna"),
    "bram": _person("bram@minbzk.nl", [EDITOR_GROUP], given="Bram", family="Bakker"),
    "lezer": _person("lezer@minbzk.nl"),
    "buiten": _person("iemand@gmail.com"),
    "onbevestigd": _person("onbevestigd@minbzk.nl", verified=False),
    "verkeerd-publiek": {**_person("publiek@minbzk.nl"), "token": {"aud": "een-andere-site"}},
    "verlopen": {**_person("verlopen@minbzk.nl"), "token": {"expired": True}},
    "andere-nonce": {**_person("nonce@minbzk.nl"), "token": {"nonce": "niet-de-nonce-van-deze-sessie"}},
    "andere-uitgever": {**_person("uitgever@minbzk.nl"), "token": {"iss": "https://nep-uitgever.example"}},
}


def ensure_node_packages():
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed for the OpenID provider of these tests (apt-get install nodejs npm)")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(PROVIDER_DIR)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"npm ci in {PROVIDER_DIR} failed:\n{result.stdout}\n{result.stderr}")


@contextlib.contextmanager
def running_provider(workdir, site_urls):
    """The provider, with one client whose redirect URIs are those of `site_urls`; yields its issuer."""
    ensure_node_packages()
    port = free_port()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{url}/account/oidc/callback/" for url in site_urls],
        "post_logout_redirect_uris": [f"{url}/" for url in site_urls],
    }
    config = workdir / "provider.json"
    config.write_text(json.dumps({"port": port, "clients": [client], "accounts": ACCOUNTS}))
    log = workdir / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["node", str(PROVIDER_DIR / "provider.mjs"), str(config)],
            cwd=PROVIDER_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60  # a busy machine starts Node slowly
        while "ready " not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the OpenID provider did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def use_provider(settings, issuer, **overrides):
    """Django's settings pointed at the provider, as DEALKENNIS_OIDC_* would set them."""
    values = {
        **FIXED,
        "OIDC_ENABLED": True,
        "OIDC_ISSUER": issuer,
        "OIDC_DISCOVERY_URL": f"{issuer}/.well-known/openid-configuration",
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_RP_SCOPES": "openid email profile groups",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_ALLOWED_DOMAINS": ALLOWED_DOMAINS,
        "OIDC_GROUPS_CLAIM": "groups",
        "OIDC_COORDINATOR_GROUPS": [COORDINATOR_GROUP],
        "OIDC_EDITOR_GROUPS": [EDITOR_GROUP],
        "OIDC_LOCAL_LOGIN": False,
        "OIDC_TIMEOUT": 5,
        **overrides,
    }
    for name, value in values.items():
        setattr(settings, name, value)


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def sign_in_at_provider(authorization_url, login, callback_prefix, browser=None):
    """Goes through the provider's sign-in and consent as a browser would; returns the callback URL.

    `browser` (a requests.Session) carries the provider's cookies, as a browser
    profile would; a new one is a browser that never signed in there.
    """
    browser = browser or requests.Session()
    url, response = authorization_url, None
    for _step in range(20):
        if url.startswith(callback_prefix):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.status_code == 200 and "<form" in response.text:
            action, body = _FORM.search(response.text).groups()
            fields = {name: unescape(value) for name, value in _HIDDEN.findall(body)}
            if fields.get("prompt") == "login":
                fields.update(login=login, password="wat-dan-ook")
            if "xsrf" in fields:  # the logout page: "Yes, sign me out"
                fields["logout"] = "yes"
            target = urljoin(url, unescape(action))
            response = browser.post(target, data=fields, allow_redirects=False, timeout=10)
        if response.status_code not in (302, 303):
            break
        url = urljoin(url, response.headers["Location"])
    raise AssertionError(f"the provider did not send us back: {response.status_code} {response.text[:500]}")


def callback_path(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
