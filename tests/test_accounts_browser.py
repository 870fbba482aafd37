"""In Chromium: a coordinator invites a colleague, who chooses a password from the mail and signs in.

The invitation goes through a real SMTP server (aiosmtpd). The live server
answers from its own thread, so this test commits (pytest-django's
transactional database, flushed afterwards). While Playwright runs, the main
thread has an event loop: database work goes through `in_db_thread`.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect, sync_playwright

from dealkennis.roles import COORDINATOR
from tests import test_notifications as mail
from tests.conftest import ensure_roles
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations, in_db_thread
from tests.test_notifications import SITE, body_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

smtp_server = mail.smtp_server
received = mail.received

COORDINATOR_LOGIN = ("uitnodiger", "uitnodiger-wachtwoord-1")
NEW_PASSWORD = "mijn-eigen-wachtwoord-9"


def _coordinator():
    ensure_roles()
    user = get_user_model().objects.create_user(
        COORDINATOR_LOGIN[0], "uitnodiger@example.nl", COORDINATOR_LOGIN[1], is_staff=True
    )
    user.groups.add(Group.objects.get(name=COORDINATOR))


def test_an_invited_colleague_sets_a_password_from_the_mail_and_signs_in(live_server, received):
    in_db_thread(_coordinator)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            coordinator = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
            coordinator.set_default_timeout(15_000)
            coordinator.goto("/admin/login/?next=/admin/auth/user/")
            coordinator.get_by_label("Gebruikersnaam").fill(COORDINATOR_LOGIN[0])
            coordinator.get_by_label("Wachtwoord").fill(COORDINATOR_LOGIN[1])
            coordinator.get_by_role("button", name="Aanmelden").click()
            coordinator.get_by_role("link", name="Collega uitnodigen").click()
            coordinator.get_by_label("E-mailadres").fill("nina@example.nl")
            coordinator.get_by_label("Voornaam").fill("Nina")
            coordinator.get_by_role("button", name="Uitnodiging versturen").click()
            expect(coordinator.get_by_text("Uitnodiging verstuurd naar nina@example.nl.")).to_be_visible()

            [message] = received()
            link = re.search(rf"{re.escape(SITE)}(/account/uitnodiging/\S+)", body_of(message)).group(1)

            colleague = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
            colleague.set_default_timeout(15_000)
            colleague.goto(link)
            expect(colleague.get_by_role("heading", name="Welkom bij Dealkennis")).to_be_visible()
            # The token left the address bar before the form is shown (no leaks through Referer).
            assert colleague.url.endswith("/set-password/")
            assert_no_axe_violations(colleague)
            colleague.locator("input[name=new_password1]").fill(NEW_PASSWORD)
            colleague.locator("input[name=new_password2]").fill(NEW_PASSWORD)
            colleague.get_by_role("button", name="Wachtwoord opslaan").click()

            expect(colleague.get_by_text("Je wachtwoord is ingesteld.")).to_be_visible()
            expect(colleague.get_by_label("Gebruikersnaam")).to_have_value("nina@example.nl")
            assert_no_axe_violations(colleague)
            colleague.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
            colleague.get_by_role("button", name="Inloggen").click()
            expect(colleague.get_by_role("button", name="Uitloggen (nina@example.nl)")).to_be_visible()
            colleague.get_by_role("link", name="Mijn gegevens").click()
            expect(colleague.get_by_text("nina@example.nl").first).to_be_visible()
            assert_no_axe_violations(colleague)

            colleague.goto(link)
            expect(colleague.get_by_text("Deze uitnodiging werkt niet meer")).to_be_visible()
        finally:
            browser.close()
