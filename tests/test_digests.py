"""The e-mail digest of what is new in what a reader follows, sent to a real SMTP server (aiosmtpd).

Contents per audience, the mail's form, idempotence (twice sends nothing twice;
a run that breaks off halfway resends nothing already sent) and one-click unsubscribe.
"""

import datetime
import email
import email.policy
import mailbox
import re
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from follows import digest as digest_module
from follows.digest import build_digest, period_end, send_digests
from follows.models import Delivery, Follow, Frequency, Subscription
from follows.tokens import unsubscribe_token, user_from_token
from tests.test_notifications import free_port

pytestmark = pytest.mark.django_db

SITE = "https://dealkennis.example.nl"


@contextmanager
def smtp_process(directory, handler="aiosmtpd.handlers.Mailbox", *extra):
    """aiosmtpd in a process of its own, keeping what it accepts in a maildir."""
    directory.mkdir(parents=True, exist_ok=True)
    maildir = directory / "maildir"
    port = free_port()
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", handler]
    process = subprocess.Popen(
        [*command, str(maildir), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 15
    import socket

    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"aiosmtpd did not start: {process.stderr.read().decode()}")
            time.sleep(0.1)
    try:
        yield port, maildir
    finally:
        process.terminate()
        process.wait(timeout=10)


def point_mail_at(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Dealkennis <noreply@dealkennis.example.nl>"
    settings.SITE_URL = SITE


def read_maildir(maildir):
    box = mailbox.Maildir(maildir)
    return [
        email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.iterkeys()
    ]


@pytest.fixture(scope="module")
def smtp_server(tmp_path_factory):
    with smtp_process(tmp_path_factory.mktemp("digest-smtp")) as server:
        yield server


@pytest.fixture
def received(settings, smtp_server):
    port, maildir = smtp_server
    point_mail_at(settings, port)
    mailbox.Maildir(maildir).clear()
    return lambda: read_maildir(maildir)


def reader(username, frequency=Frequency.WEEKLY, **follows):
    """A reader with an account, following each `kind=key` given."""
    user = get_user_model().objects.create_user(username, f"{username}@example.nl", "x")
    for kind, key in follows.items():
        Follow.objects.create(user=user, kind=kind, key=key)
    Subscription.objects.create(user=user, frequency=frequency)
    return user


def next_week():
    """A moment whose weekly period holds now, when the test's items were written."""
    return timezone.now() + datetime.timedelta(days=7)


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def addressed_to(messages, user):
    return [message for message in messages if message["To"] == user.email]


def test_period_ends_at_local_midnight_and_weekly_on_monday(settings):
    moment = timezone.make_aware(datetime.datetime(2026, 12, 3, 15, 30))  # a Thursday
    assert timezone.localtime(period_end(moment, Frequency.WEEKLY)).isoformat() == "2026-11-30T00:00:00+01:00"
    assert timezone.localtime(period_end(moment, Frequency.DAILY)).isoformat() == "2026-12-03T00:00:00+01:00"


def test_digest_groups_new_and_updated_items_by_what_is_followed(make_card, make_lesson, other_programme):
    user = reader("lezer", programme="programme=green-deals", tag="tag=Toetreden")
    new_card = make_card(title="Een nieuwe partij aan tafel")
    tagged = make_lesson(title="Toetreden in Utrecht", programme=other_programme, tags=["toetreden"])
    elsewhere = make_lesson(title="Iets bij City Deals", programme=other_programme)
    old = make_lesson(title="Een oude les")
    long_ago = timezone.now() - datetime.timedelta(days=60)
    type(old).objects.filter(pk=old.pk).update(published_at=long_ago, updated_at=long_ago)
    updated = make_card(title="Een bijgewerkte kaart")
    type(updated).objects.filter(pk=updated.pk).update(published_at=long_ago)

    end = period_end(next_week(), Frequency.WEEKLY)
    found = build_digest(user, end - datetime.timedelta(days=7), end)

    sections = {section.label: section for section in found.sections}
    assert set(sections) == {"Programma Green Deals", "Tag “Toetreden”"}
    programme_items = {item.title: item.is_new for item in sections["Programma Green Deals"].items}
    assert programme_items == {new_card.title: True, updated.title: False}
    assert [item.title for item in sections["Tag “Toetreden”"].items] == [tagged.title]
    assert elsewhere.title not in {item.title for section in found.sections for item in section.items}
    assert found.count == 3


def test_internal_items_reach_signed_in_subscribers_and_drafts_never(received, make_card, make_lesson):
    member = reader("lezer", programme="programme=green-deals")
    make_card(title="Openbare kaart")
    make_lesson(title="Interne les", visibility="internal")
    make_lesson(title="Concept van een les", status="draft")
    make_lesson(title="Les ter beoordeling", status="review", visibility="public")

    report = send_digests(next_week())

    assert report.sent == 1
    [message] = received()
    text = text_of(message)
    assert "Openbare kaart" in text and "Interne les" in text
    assert "Concept van een les" not in text and "Les ter beoordeling" not in text
    assert "Concept van een les" not in html_of(message)
    assert Delivery.objects.get(user=member).items == 2


def test_a_reader_who_lost_access_gets_nothing(received, make_lesson):
    gone = reader("vertrokken", programme="programme=green-deals")
    stays = reader("blijft", programme="programme=green-deals")
    make_lesson(title="Interne les", visibility="internal")
    gone.is_active = False
    gone.save()

    send_digests(next_week())

    messages = received()
    assert not addressed_to(messages, gone)
    assert "Interne les" in text_of(addressed_to(messages, stays)[0])


def test_mail_is_dutch_with_text_and_html_absolute_links_and_one_click_unsubscribe(received, make_card):
    user = reader("lezer", cell="order=first&level=task")
    card = make_card(title="Werkbezoek bij de buren", order="first", level="task")
    make_card(title="Andere orde", order="third", level="task")

    send_digests(next_week())

    [message] = received()
    assert message["Subject"] == "Dealkennis: 1 nieuw of bijgewerkt item"
    assert message["To"] == user.email
    text, html = text_of(message), html_of(message)
    assert "Hallo lezer," in text and "Eerste orde × Taakniveau" in text
    # The week ends on a Sunday, which the mail names as the period's last day.
    assert re.search(r"van \d+ \w+ tot en met \d+ \w+ 20\d\d, in wat je volgt", text)
    assert f"{SITE}/kaarten/{card.slug}/" in text and f'href="{SITE}/kaarten/{card.slug}/"' in html
    assert "Andere orde" not in text
    # Long enough to be folded onto a line of its own. The token is read from
    # the mail, not made again: a signature carries the second it was made in.
    found = re.fullmatch(rf"<({SITE}/account/volgen/afmelden/([^/]+)/)>", message["List-Unsubscribe"].strip())
    assert found, message["List-Unsubscribe"]
    unsubscribe_url, token = found.groups()
    assert user_from_token(token) == user
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in text and unsubscribe_url in html
    assert f"{SITE}/account/volgen/" in text
    # Every link in the HTML part is absolute and on the site.
    assert all(link.startswith(SITE) for link in re.findall(r'href="([^"]+)"', html))


def test_saved_search_matches_its_words_and_filters(received, make_card, make_lesson):
    reader("zoeker", search="q=financiering&type=lesson&stream=social")
    make_lesson(title="Financiering van een Regio Deal", stream="social")
    make_lesson(title="Financiering, maar relationeel", stream="relational")
    make_card(title="Financiering op een kaart", stream="social")
    make_lesson(title="Iets heel anders", stream="social")

    send_digests(next_week())

    [message] = received()
    text = text_of(message)
    assert "Zoekopdracht “financiering”, alleen lessen, Sociaal" in text
    assert "Financiering van een Regio Deal" in text
    for title in ("Financiering, maar relationeel", "Financiering op een kaart", "Iets heel anders"):
        assert title not in text


def test_nothing_new_sends_no_mail_and_none_or_no_follows_get_nothing(received, make_card):
    reader("niets", programme="programme=city-deals")
    reader("uit", frequency=Frequency.NONE, programme="programme=green-deals")
    get_user_model().objects.create_user("geen-volger", "geen@example.nl", "x")
    make_card(title="Alleen bij Green Deals")

    report = send_digests(next_week())

    assert received() == []
    assert (report.sent, report.empty) == (0, 1)


def test_running_twice_sends_nothing_twice(received, make_card):
    reader("een", programme="programme=green-deals")
    reader("twee", tag="tag=nieuw")
    make_card(title="Nieuwe kaart", tags=["nieuw"])
    moment = next_week()

    call_command("send_digests", now=moment.isoformat())
    call_command("send_digests", now=moment.isoformat())
    call_command("send_digests", now=(moment + datetime.timedelta(hours=5)).isoformat())

    assert sorted(message["To"] for message in received()) == ["een@example.nl", "twee@example.nl"]


def test_next_period_starts_where_the_last_one_ended(received, make_card):
    user = reader("lezer", frequency=Frequency.DAILY, programme="programme=green-deals")
    make_card(title="Kaart van vandaag")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    send_digests(tomorrow)
    # Switched to weekly: the week's digest leaves out what the daily one already held.
    Subscription.objects.filter(user=user).update(frequency=Frequency.WEEKLY)

    send_digests(tomorrow + datetime.timedelta(days=7))

    [message] = received()
    assert re.search(r"in Dealkennis op \d+ \w+ 20\d\d, in wat je volgt", text_of(message))
    periods = list(Delivery.objects.filter(user=user).order_by("period_end"))
    assert periods[-1].period_start == periods[0].period_end


def test_a_run_that_breaks_off_halfway_resends_nothing_already_sent(settings, tmp_path, make_card):
    readers = [reader(f"lezer{number}", programme="programme=green-deals") for number in range(3)]
    make_card(title="Nieuwe kaart")
    moment = next_week()
    with smtp_process(tmp_path / "failing", "tests.smtp_failing.FailAfter", "2") as (port, maildir):
        point_mail_at(settings, port)
        with pytest.raises(CommandError, match="1 digest"):
            call_command("send_digests", now=moment.isoformat())
        first = sorted(message["To"] for message in read_maildir(maildir))
    assert first == [user.email for user in readers[:2]]

    with smtp_process(tmp_path / "working") as (port, maildir):
        point_mail_at(settings, port)
        call_command("send_digests", now=moment.isoformat())
        assert [message["To"] for message in read_maildir(maildir)] == [readers[2].email]


def test_a_crash_inside_the_loop_keeps_what_was_sent(received, monkeypatch, make_card):
    readers = [reader(f"lezer{number}", programme="programme=green-deals") for number in range(3)]
    make_card(title="Nieuwe kaart")
    real_build = digest_module.build_digest

    def crash_on_second(user, *args):
        if user == readers[1]:
            raise RuntimeError("the process died here")
        return real_build(user, *args)

    monkeypatch.setattr(digest_module, "build_digest", crash_on_second)
    with pytest.raises(RuntimeError):
        send_digests(next_week())
    assert [message["To"] for message in received()] == [readers[0].email]

    monkeypatch.setattr(digest_module, "build_digest", real_build)
    send_digests(next_week())
    assert sorted(message["To"] for message in received()) == sorted(user.email for user in readers)


def test_one_click_unsubscribe_needs_no_login_and_stops_the_mail(received, make_card):
    user = reader("lezer", programme="programme=green-deals")
    make_card(title="Nieuwe kaart")
    client = Client(enforce_csrf_checks=True)
    url = f"/account/volgen/afmelden/{unsubscribe_token(user)}/"

    page = client.get(url)
    assert page.status_code == 200 and "Ja, meld me af" in page.content.decode()
    assert Subscription.objects.get(user=user).frequency == Frequency.WEEKLY

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Je bent afgemeld" in done.content.decode()
    assert Subscription.objects.get(user=user).frequency == Frequency.NONE
    assert Follow.objects.filter(user=user).exists()
    send_digests(next_week())
    assert received() == []


@pytest.mark.parametrize("token", ["knoeiwerk", "eyJ1Ijo5OTl9:1abc:kapot", "x" * 500])
def test_a_tampered_unsubscribe_link_gets_a_dutch_message(client, member, token):
    for response in (
        client.get(f"/account/volgen/afmelden/{token}/"),
        client.post(f"/account/volgen/afmelden/{token}/"),
    ):
        assert response.status_code == 400
        assert "Deze afmeldlink klopt niet" in response.content.decode()


def test_a_token_for_another_purpose_does_not_unsubscribe(client, member):
    from django.core import signing

    forged = signing.dumps({"u": member.pk}, salt="another.purpose")
    Subscription.objects.create(user=member)
    assert client.post(f"/account/volgen/afmelden/{forged}/").status_code == 400
    assert Subscription.objects.get(user=member).frequency == Frequency.WEEKLY


def test_a_long_section_lists_twenty_and_links_to_the_rest(received, make_card):
    reader("lezer", programme="programme=green-deals")
    for number in range(23):
        make_card(title=f"Kaart nummer {number}")

    send_digests(next_week())

    [message] = received()
    text = text_of(message)
    assert text.count("Nieuw (") == 20
    assert f"En nog 3 items: {SITE}/programmas/green-deals/" in text
    assert message["Subject"] == "Dealkennis: 20 nieuwe of bijgewerkte items"


def test_readers_of_one_audience_share_one_scan_of_what_changed(django_assert_num_queries, programme):
    first = reader("een", programme="programme=green-deals")
    second = reader("twee", tag="tag=toetreden")
    end = period_end(next_week(), Frequency.WEEKLY)
    start = end - datetime.timedelta(days=7)
    # Nothing changed: one scan per kind of item, and no query per follow.
    with django_assert_num_queries(2):
        assert build_digest(first, start, end, [programme], version=1).sections == []
    with django_assert_num_queries(0):
        assert build_digest(second, start, end, [programme], version=1).sections == []


def test_records_older_than_a_year_are_forgotten(programme):
    user = reader("lezer", programme="programme=green-deals")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Delivery.objects.create(
        user=user, period_start=long_ago - datetime.timedelta(days=7), period_end=long_ago
    )
    send_digests(next_week())
    assert [delivery.period_end > long_ago for delivery in Delivery.objects.filter(user=user)] == [True]


def test_the_mail_is_dutch_whatever_language_is_active(received, make_card):
    from django.utils import translation

    reader("lezer", cell="stream=social&mode=experiential")
    make_card(title="Samen leren")
    with translation.override("en"):
        send_digests(next_week())
    [message] = received()
    assert message["Subject"] == "Dealkennis: 1 nieuw of bijgewerkt item"
    assert "== Sociaal × Ervaringsleren ==" in text_of(message)
