"""Asking the coordinators a question, answering it in the admin, and the mail to the asker.

The mail goes through Django's SMTP backend to a real SMTP server (aiosmtpd),
as in test_notifications.
"""

import pytest
from django.core.cache import caches

from dealkennis.roles import COORDINATOR, EDITOR
from questions.models import Question
from tests.conftest import staff_client
from tests.test_notifications import SITE, body_of, received, smtp_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

QUESTION = "Hoe zeg ik een deal netjes op als een partner niet meer meedoet?"
CLASSIFIED = {"stream": "social", "mode": "experiential", "order": "first", "level": "task"}


@pytest.fixture(autouse=True)
def empty_rate_limit():
    caches["default"].clear()


@pytest.fixture
def coordinator():
    return staff_client(COORDINATOR, "coordinator")


def ask(client, **data):
    return client.post("/vragen/stellen/", {"text": QUESTION, "website": "", **data})


def anonymous_question(programme):
    return Question.objects.create(text=QUESTION, programme=programme, email="vrager@example.nl")


def answer_with(client, question, **answer):
    data = {
        "programme": question.programme_id or "",
        "status": question.status,
        "answer_card": "",
        "answer_lesson": "",
    }
    return client.post(f"/admin/questions/question/{question.pk}/change/", {**data, **answer})


# Asking


def test_an_anonymous_visitor_asks_with_an_email_address(client, programme):
    response = ask(client, programme=programme.pk, email="vrager@example.nl", asked_from="deal opzeggen")
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.text, question.programme, question.email) == (QUESTION, programme, "vrager@example.nl")
    assert question.asker is None and question.status == "open"
    assert question.asked_from == "deal opzeggen"


def test_an_anonymous_visitor_must_give_an_email_address(client):
    response = ask(client, email="")
    assert response.status_code == 200
    assert "Vul je e-mailadres in" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "Hoe?"}, "ten minste 10 tekens"),
        ({"text": "x" * 1001}, "Je vraag is te lang"),
        ({"text": ""}, "Schrijf je vraag op."),
        ({"programme": "99999"}, "Kies een programma uit de lijst."),
        ({"email": "geen-adres"}, "Dit is geen geldig e-mailadres."),
    ],
)
def test_a_bad_question_gets_a_dutch_message_and_nothing_is_kept(client, data, message):
    response = ask(client, **{"email": "vrager@example.nl", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_a_bot_that_fills_the_hidden_field_is_thanked_and_forgotten(client):
    response = ask(client, email="bot@example.nl", website="https://spam.example")
    assert response.status_code == 302
    assert not Question.objects.exists()


def test_one_address_may_ask_five_questions_an_hour(client):
    for _ in range(5):
        assert ask(client, email="vrager@example.nl").status_code == 302
    response = ask(client, email="vrager@example.nl")
    assert response.status_code == 200
    assert "al veel vragen gesteld" in response.content.decode()
    assert Question.objects.count() == 5


def test_a_signed_in_asker_is_linked_and_not_asked_for_an_address(member_client, member):
    assert 'name="email"' not in member_client.get("/vragen/stellen/").content.decode()
    assert ask(member_client).status_code == 302
    question = Question.objects.get()
    assert question.asker == member and question.email == ""
    assert question.contact == "ambtenaar@example.nl"


def test_the_form_is_prefilled_from_the_search(client, programme):
    content = client.get(
        "/vragen/stellen/", {"q": "deal opzeggen", "programme": programme.slug}
    ).content.decode()
    assert "deal opzeggen</textarea>" in content
    assert f'<option value="{programme.pk}" selected>' in content


def test_a_question_is_never_on_the_site(client, member_client, programme, make_card):
    anonymous_question(programme)
    make_card(title="Een deal opzeggen")
    for reader in (client, member_client):
        for path in ("/zoeken/?q=partner+meedoet", "/api/zoeken/?q=partner+meedoet", "/feeds/nieuw/"):
            assert QUESTION not in reader.get(path).content.decode()


# Answering


def test_linking_a_public_card_mails_an_anonymous_asker_once_and_forgets_the_address(
    received,  # noqa: F811
    coordinator,
    programme,
    make_card,
    django_capture_on_commit_callbacks,
):
    client, user = coordinator
    card = make_card(title="Een deal beëindigen", visibility="public")
    question = anonymous_question(programme)
    with django_capture_on_commit_callbacks(execute=True):
        assert answer_with(client, question, answer_card=card.pk).status_code == 302
    [message] = received()
    assert message["To"] == "vrager@example.nl"
    text = body_of(message)
    assert QUESTION in text and f"{SITE}/kaarten/{card.slug}/" in text
    question.refresh_from_db()
    assert question.status == "answered" and question.answered_by == user
    assert question.notified_at is not None and question.email == ""
    # Saved again (or the card saved again): no second mail.
    with django_capture_on_commit_callbacks(execute=True):
        answer_with(client, question, answer_card=card.pk, status="answered")
        card.save()
    assert len(received()) == 1


def test_an_anonymous_asker_cannot_be_answered_with_an_internal_item(
    received,  # noqa: F811
    coordinator,
    programme,
    make_card,
    django_capture_on_commit_callbacks,
):
    client, _ = coordinator
    card = make_card(title="Intern advies", visibility="internal")
    question = anonymous_question(programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = answer_with(client, question, answer_card=card.pk)
    assert response.status_code == 200
    assert "alleen openbare items kan lezen" in response.content.decode()
    question.refresh_from_db()
    assert question.answer_card is None and question.status == "open"
    assert received() == []


def test_a_signed_in_asker_may_be_answered_with_an_internal_lesson(
    received,  # noqa: F811
    coordinator,
    member,
    make_lesson,
    django_capture_on_commit_callbacks,
):
    client, _ = coordinator
    lesson = make_lesson(title="Een interne les", visibility="internal")
    question = Question.objects.create(text=QUESTION, asker=member)
    with django_capture_on_commit_callbacks(execute=True):
        assert answer_with(client, question, answer_lesson=lesson.pk).status_code == 302
    [message] = received()
    assert message["To"] == "ambtenaar@example.nl"
    text = body_of(message)
    assert f"{SITE}/lessen/{lesson.slug}/" in text and f"{SITE}/lessen/mijn-inzendingen/" in text


def test_a_draft_from_the_question_is_linked_and_its_publication_tells_the_asker_once(
    received,  # noqa: F811
    coordinator,
    member,
    programme,
    django_capture_on_commit_callbacks,
):
    client, _ = coordinator
    question = Question.objects.create(text=QUESTION, asker=member, programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/questions/question/", {"action": "make_draft", "_selected_action": [question.pk]}
        )
    assert response.status_code == 302
    question.refresh_from_db()
    card = question.answer_card
    assert card is not None
    assert (card.status, card.visibility, card.programme) == ("draft", "internal", programme)
    assert card.title == QUESTION and card.question == QUESTION
    assert question.status == "open"
    assert received() == []  # nothing to read yet
    # The coordinator writes the answer and publishes, then edits once more.
    card.answer, card.status = "Zo zeg je een deal op.", "published"
    for field, value in CLASSIFIED.items():
        setattr(card, field, value)
    with django_capture_on_commit_callbacks(execute=True):
        card.save()
    with django_capture_on_commit_callbacks(execute=True):
        card.summary = "Bijgewerkt."
        card.save()
    [message] = received()
    assert f"{SITE}/kaarten/{card.slug}/" in body_of(message)
    question.refresh_from_db()
    assert question.status == "answered"


def test_a_draft_for_an_anonymous_asker_published_internally_sends_nothing(
    received,  # noqa: F811
    coordinator,
    programme,
    django_capture_on_commit_callbacks,
):
    client, _ = coordinator
    question = anonymous_question(programme)
    client.post("/admin/questions/question/", {"action": "make_draft", "_selected_action": [question.pk]})
    question.refresh_from_db()
    card = question.answer_card
    card.answer, card.status = "Intern antwoord.", "published"
    for field, value in CLASSIFIED.items():
        setattr(card, field, value)
    with django_capture_on_commit_callbacks(execute=True):
        card.save()
    assert received() == []
    question.refresh_from_db()
    assert question.status == "open" and question.email == "vrager@example.nl"
    # Made public: now the asker may read it, and hears of it.
    with django_capture_on_commit_callbacks(execute=True):
        card.visibility = "public"
        card.save()
    [message] = received()
    assert f"/kaarten/{card.slug}/" in body_of(message)


def test_a_removed_account_is_not_mailed(
    received,  # noqa: F811
    member,
    make_card,
    django_capture_on_commit_callbacks,
):
    from accounts.privacy import anonymise

    card = make_card(status="draft", stream="", mode="", order="", level="")
    Question.objects.create(text=QUESTION, asker=member, answer_card=card)
    anonymise(member)
    card.status = "published"
    for field, value in CLASSIFIED.items():
        setattr(card, field, value)
    with django_capture_on_commit_callbacks(execute=True):
        card.save()
    assert received() == []


def test_a_draft_without_a_programme_takes_the_first_and_says_so(coordinator, programme, other_programme):
    client, _ = coordinator
    question = Question.objects.create(text=QUESTION, email="vrager@example.nl")
    response = client.post(
        "/admin/questions/question/",
        {"action": "make_draft", "_selected_action": [question.pk]},
        follow=True,
    )
    question.refresh_from_db()
    assert question.answer_card.programme == other_programme  # "City Deals" comes first
    assert "noemt geen programma" in response.content.decode()


def test_an_editor_may_see_and_draft_but_not_delete_questions(programme):
    client, _ = staff_client(EDITOR, "redacteur")
    question = anonymous_question(programme)
    assert client.get("/admin/questions/question/").status_code == 200
    client.post("/admin/questions/question/", {"action": "make_draft", "_selected_action": [question.pk]})
    question.refresh_from_db()
    assert question.answer_card is not None
    assert client.get(f"/admin/questions/question/{question.pk}/delete/").status_code == 403


# Mijn inzendingen


def test_my_page_shows_my_questions_and_only_published_answers(member_client, member, make_card, client):
    published = make_card(title="Het gepubliceerde antwoord", visibility="internal")
    draft = make_card(title="Nog een concept", status="draft")
    Question.objects.create(text="Eerste vraag over opzeggen", asker=member, answer_card=published)
    Question.objects.create(text="Tweede vraag over toetreden", asker=member, answer_card=draft)
    Question.objects.create(text="Vraag van een ander", email="ander@example.nl")
    content = member_client.get("/lessen/mijn-inzendingen/").content.decode()
    assert "Eerste vraag over opzeggen" in content and "Tweede vraag over toetreden" in content
    assert f'href="/kaarten/{published.slug}/"' in content
    assert "Nog een concept" not in content
    assert "Vraag van een ander" not in content
    assert client.get("/lessen/mijn-inzendingen/").status_code == 302


def test_the_privacy_page_says_what_is_kept_of_questions_and_searches(client):
    content = client.get("/account/privacy/").content.decode()
    assert "Vragen die je een coördinator stelt" in content
    assert "geen account, IP-adres, sessie of tijdstip" in content


def test_the_question_pages_speak_english_too(client):
    english = client.get("/vragen/stellen/", HTTP_COOKIE="django_language=en").content.decode()
    assert "Ask a coordinator" in english and "Your question" in english
    response = client.post(
        "/vragen/stellen/", {"text": "Hoe?", "email": "", "website": ""}, HTTP_COOKIE="django_language=en"
    )
    assert "Write your question in at least 10 characters." in response.content.decode()
