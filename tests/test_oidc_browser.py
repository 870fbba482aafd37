"""In Chromium: signing in and out with the organisation's account, through a real OpenID provider.

The provider (tests/oidc_support.py) runs on 127.0.0.1, the site on
localhost: two sites, as in production, each with its own cookies. The site's
CSP is the one settings.py builds for this provider, so a form-action that
blocked the way to the provider's logout would fail the test. The live
server answers from its own thread, so this test commits (pytest-django's
transactional database, flushed afterwards); database work while Playwright
runs goes through `in_db_thread` (tests/test_browser.py).
"""

import copy

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect, sync_playwright

from dealkennis.oidc_settings import form_action_sources
from dealkennis.roles import COORDINATOR
from tests.conftest import ensure_roles
from tests.oidc_support import running_provider, use_provider
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations, in_db_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def provider(tmp_path_factory, live_server):
    with running_provider(tmp_path_factory.mktemp("oidc"), [live_server.url]) as issuer:
        yield issuer


@pytest.fixture
def site(settings, provider, live_server):
    use_provider(settings, provider)
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    sources = form_action_sources({"OIDC_ENABLED": True, "OIDC_ISSUER": provider})
    policy["DIRECTIVES"]["form-action"] = ["'self'", *sources]
    settings.CONTENT_SECURITY_POLICY = policy
    in_db_thread(ensure_roles)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def _account(email):
    user = get_user_model().objects.get(email__iexact=email)
    return user.is_staff, sorted(group.name for group in user.groups.all())


def _sign_in_at_provider(page, login, consent=True):
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("wat-dan-ook")
    page.get_by_role("button", name="Sign-in").click()
    if consent:
        page.get_by_role("button", name="Continue").click()


def test_a_coordinator_signs_in_with_the_organisation_account_and_out_at_the_provider_too(
    site, provider, live_server
):
    page = site
    page.goto("/account/login/?next=/lessen/")
    expect(page.locator("input[name=password]")).to_have_count(0)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Inloggen met je organisatieaccount").click()
    assert page.url.startswith(f"{provider}/interaction/")
    _sign_in_at_provider(page, "anna")

    expect(page.get_by_role("button", name="Uitloggen (anna.de.vries@rijksoverheid.nl)")).to_be_visible()
    assert page.url.endswith("/lessen/")
    assert in_db_thread(_account, "anna.de.vries@rijksoverheid.nl") == (True, [COORDINATOR])
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Recente acties")).to_be_visible()
    page.goto("/lessen/")

    page.get_by_role("button", name="Uitloggen (anna.de.vries@rijksoverheid.nl)").click()
    expect(page.get_by_role("button", name="Yes, sign me out")).to_be_visible()
    assert page.url.startswith(f"{provider}/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("link", name="Inloggen", exact=True)).to_be_visible()
    assert page.url == f"{live_server.url}/"

    # Signed out at the provider too: it asks who you are again. Now without the coordinators' group.
    page.goto("/account/login/")
    page.get_by_role("link", name="Inloggen met je organisatieaccount").click()
    _sign_in_at_provider(page, "anna-later")
    expect(page.get_by_role("button", name="Uitloggen (anna.de.vries@rijksoverheid.nl)")).to_be_visible()
    assert in_db_thread(_account, "anna.de.vries@rijksoverheid.nl") == (False, [])


def test_an_address_outside_the_allowed_domains_comes_back_to_the_login_page_with_a_message(site):
    page = site
    page.goto("/account/login/")
    page.get_by_role("link", name="Inloggen met je organisatieaccount").click()
    _sign_in_at_provider(page, "buiten")
    expect(page.get_by_text("Met een e-mailadres op gmail.com kun je hier niet inloggen")).to_be_visible()
    expect(page.get_by_role("heading", name="Inloggen", exact=True)).to_be_visible()
    assert page.url.endswith("/account/login/")
    assert_no_axe_violations(page)
