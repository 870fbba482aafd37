"""Password-reset requests are limited per e-mail address and per client address (accounts.throttle).

Mail goes to a real SMTP server (aiosmtpd; the fixtures of test_notifications),
so what is counted is what really left.
"""

import pytest

from tests import test_notifications as mail

smtp_server = mail.smtp_server
received = mail.received

pytestmark = pytest.mark.django_db

RESET = "/account/wachtwoord-vergeten/"
TOO_MANY = "Er is te vaak een nieuw wachtwoord aangevraagd"


@pytest.fixture
def limits(settings):
    def set_to(per_email, per_ip):
        settings.PASSWORD_RESET_LIMIT_PER_EMAIL = per_email
        settings.PASSWORD_RESET_LIMIT_PER_IP = per_ip

    return set_to


def ask(client, email, ip="10.1.1.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_one_address_gets_a_limited_number_of_reset_mails(client, received, limits, member):
    limits(per_email=2, per_ip=100)
    assert ask(client, "ambtenaar@example.nl").status_code == 302
    assert ask(client, "AMBTENAAR@example.nl", ip="10.1.1.2").status_code == 302
    refused = ask(client, "ambtenaar@example.nl", ip="10.1.1.3")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert len(received()) == 2
    assert ask(client, "iemand-anders@example.nl").status_code == 302


def test_one_client_gets_a_limited_number_of_requests_whatever_the_addresses(client, received, limits):
    limits(per_email=100, per_ip=3)
    for number in range(3):
        assert ask(client, f"persoon{number}@example.nl").status_code == 302
    assert ask(client, "persoon9@example.nl").status_code == 429
    assert ask(client, "persoon9@example.nl", ip="10.9.9.9").status_code == 302


def test_an_address_without_an_account_counts_the_same_so_the_answer_tells_nothing(client, received, limits):
    limits(per_email=1, per_ip=100)
    assert ask(client, "onbekend@example.nl").status_code == 302
    assert ask(client, "onbekend@example.nl").status_code == 429
    assert received() == []


def test_the_limit_is_said_in_english_too(client, received, limits):
    limits(per_email=0, per_ip=100)
    refused = client.post(RESET, {"email": "a@example.nl"}, HTTP_COOKIE="django_language=en")
    assert "A new password has been requested too often" in refused.content.decode()


def test_a_malformed_address_is_not_counted(client, received, limits, member):
    limits(per_email=100, per_ip=1)
    assert ask(client, "geen-adres").status_code == 200
    assert ask(client, "ambtenaar@example.nl").status_code == 302
    assert len(received()) == 1
