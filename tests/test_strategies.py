"""Learning strategies: who sees which, on every page and output; the guided form's rules; history; review."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from reversion.models import Version

from dealkennis.roles import COORDINATOR, EDITOR
from strategies.models import LearningStrategy
from tests.conftest import staff_client

pytestmark = pytest.mark.django_db

PUBLIC = "Openbarestrategiewww"
INTERNAL = "Internestrategiezzz"
DRAFT = "Conceptstrategiexxx"
ROLES = ["anonymous", "member", "editor", "coordinator"]


def strategy_values(programme, word, **overrides):
    values = {
        "programme": programme,
        "how_learning": f"{word} leert in duo's.",
        "from_others": "Van de City Deals, over samenwerken.",
        "into_work": "Een terugblik per jaar.",
        "streams": ["social"],
        "modes": ["experiential"],
        "cells": ["first-collaboration"],
        "status": "published",
        "visibility": "internal",
        "reviewed_on": timezone.localdate(),
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_strategy():
    def make(programme, word="Strategie", **overrides):
        strategy = LearningStrategy(**strategy_values(programme, word, **overrides))
        strategy.full_clean()
        strategy.save()
        return strategy

    return make


@pytest.fixture
def strategies(make_strategy, programme, other_programme, deal):
    from dealkennis.models import Programme

    third = Programme.objects.create(
        name="Regio Deals", slug="regio-deals", ministries="BZK", description="-"
    )
    return {
        PUBLIC: make_strategy(programme, PUBLIC, visibility="public"),
        INTERNAL: make_strategy(other_programme, INTERNAL),
        DRAFT: make_strategy(third, DRAFT, status="draft"),
    }


def client_for(role, client, member_client):
    if role == "anonymous":
        return client
    if role == "member":
        return member_client
    return staff_client({"editor": EDITOR, "coordinator": COORDINATOR}[role], role)[0]


def may_see(role):
    """Which strategies a role may read on the site: drafts only staff, internal only signed in."""
    return {
        "anonymous": {PUBLIC},
        "member": {PUBLIC, INTERNAL},
        "editor": {PUBLIC, INTERNAL, DRAFT},
        "coordinator": {PUBLIC, INTERNAL, DRAFT},
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_strategy_pages_answer_only_those_who_may_read_them(role, strategies, client, member_client):
    browser = client_for(role, client, member_client)
    for word, strategy in strategies.items():
        response = browser.get(strategy.get_absolute_url())
        if word in may_see(role):
            assert response.status_code == 200, (role, word)
            assert word in response.content.decode()
        else:
            assert response.status_code == 404, (role, word)


@pytest.mark.parametrize("role", ROLES)
def test_list_programme_and_learning_pages_name_only_readable_strategies(
    role, strategies, client, member_client
):
    browser = client_for(role, client, member_client)
    listing = browser.get("/leerstrategieen/").content.decode()
    learning = browser.get("/leren/").content.decode()
    expected = may_see(role)
    for word, strategy in strategies.items():
        url = strategy.get_absolute_url()
        assert (url in listing) == (word in expected), (role, word)
        assert (url in learning) == (word in expected), (role, word)
        programme_page = browser.get(strategy.programme.get_absolute_url()).content.decode()
        assert (url in programme_page) == (word in expected), (role, word)
        # The answers themselves are only on the strategy's own page.
        assert word not in listing + learning + programme_page
    count = len(expected)
    assert f"{count} leerstrategie" in listing


def test_programme_page_says_when_a_strategy_was_last_reviewed(strategies, member_client):
    strategy = strategies[INTERNAL]
    LearningStrategy.objects.filter(pk=strategy.pk).update(reviewed_on=datetime.date(2020, 3, 4))
    page = member_client.get(strategy.programme.get_absolute_url()).content.decode()
    assert "laatst herzien op 4 maart 2020" in page
    assert "herziening nodig" in page


def test_programme_without_a_readable_strategy_says_so(strategies, client):
    page = client.get(strategies[DRAFT].programme.get_absolute_url()).content.decode()
    assert "nog geen leerstrategie die je kunt lezen" in page


@pytest.mark.parametrize("role", ROLES)
def test_strategies_never_reach_feeds_api_or_search(role, strategies, client, member_client):
    browser = client_for(role, client, member_client)
    paths = [
        "/feeds/nieuw/",
        *(f"/feeds/programma/{s.programme.slug}/" for s in strategies.values()),
        "/api/kaarten/",
        "/api/lessen/",
        "/api/programmas/",
        f"/api/programmas/{strategies[INTERNAL].programme.slug}/",
        *(f"/api/zoeken/?q={word[:-2].lower()}" for word in strategies),
        *(f"/zoeken/?q={word[:-2].lower()}" for word in strategies),
    ]
    for path in paths:
        body = browser.get(path).content.decode()
        for word, strategy in strategies.items():
            assert word not in body, (role, path, word)
            assert strategy.get_absolute_url() not in body, (role, path, word)


@pytest.mark.parametrize("role", ROLES)
def test_sitemap_lists_only_public_published_strategies(role, strategies, client, member_client):
    body = client_for(role, client, member_client).get("/sitemap.xml").content.decode()
    assert strategies[PUBLIC].get_absolute_url() in body
    assert strategies[INTERNAL].get_absolute_url() not in body
    assert strategies[DRAFT].get_absolute_url() not in body


def test_visible_to_follows_the_items_rule(strategies, member):
    from django.contrib.auth.models import AnonymousUser

    assert set(LearningStrategy.objects.visible_to(AnonymousUser())) == {strategies[PUBLIC]}
    assert set(LearningStrategy.objects.visible_to(member)) == {strategies[PUBLIC], strategies[INTERNAL]}
    assert set(LearningStrategy.objects.previewable_by(member)) == {strategies[PUBLIC], strategies[INTERNAL]}


def test_choices_are_pinned_by_the_database(make_strategy, programme, other_programme):
    strategy = make_strategy(programme)
    for field, value in (("streams", ["telepathic"]), ("modes", ["osmosis"]), ("cells", ["fourth-task"])):
        with pytest.raises(IntegrityError), transaction.atomic():
            LearningStrategy.objects.filter(pk=strategy.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningStrategy.objects.filter(pk=strategy.pk).update(status="review")


def test_one_strategy_per_programme_and_one_per_deal(make_strategy, programme, deal):
    make_strategy(programme)
    make_strategy(programme, deal=deal)
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningStrategy.objects.create(**strategy_values(programme, "Tweede"))
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningStrategy.objects.create(**strategy_values(programme, "Derde", deal=deal))


def test_answers_are_rendered_markdown_without_script(make_strategy, programme, client):
    strategy = make_strategy(
        programme,
        visibility="public",
        how_learning="**Samen** leren <script>alert(1)</script> [klik](javascript:alert(1))",
    )
    assert "<strong>Samen</strong>" in strategy.how_learning_html
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "javascript:" not in page


def test_a_strategy_is_published_only_with_its_answers_and_choices(programme):
    strategy = LearningStrategy(**strategy_values(programme, "Leeg", into_work="", streams=[], cells=[]))
    with pytest.raises(Exception) as refused:
        strategy.full_clean()
    assert {"into_work", "streams", "cells"} <= set(refused.value.message_dict)
    strategy.status = "draft"
    strategy.full_clean()  # a draft may be incomplete


def test_each_choice_shows_cards_and_lessons_the_reader_may_see(
    make_strategy, make_card, make_lesson, programme, client, member_client
):
    strategy = make_strategy(programme, visibility="public", streams=["social"], cells=["second-task"])
    make_card(title="Openbare sociale kaart", stream="social")
    make_lesson(title="Interne sociale les", stream="social", visibility="internal")
    make_lesson(title="Tweede orde taakles", order="second", level="task")
    make_lesson(title="Concept sociale les", stream="social", status="draft")
    anonymous = client.get(strategy.get_absolute_url()).content.decode()
    signed_in = member_client.get(strategy.get_absolute_url()).content.decode()
    assert "Openbare sociale kaart" in anonymous and "Tweede orde taakles" in anonymous
    assert "Interne sociale les" not in anonymous and "Interne sociale les" in signed_in
    assert "Concept sociale les" not in signed_in


def test_the_guided_form_explains_each_choice_and_lists_examples(coordinator_client, make_card, programme):
    make_card(title="Voorbeeldkaart gedrag", stream="behavioural")
    page = coordinator_client.get(f"/admin/strategies/learningstrategy/add/?programme={programme.pk}")
    body = page.content.decode()
    assert page.status_code == 200
    for text in (
        "Hoe krijgt het leren vorm?",
        "Wat kan het netwerk leren van andere netwerken?",
        "Hoe wordt leren deel van het werk?",
        "Kijken en nadoen",
        "Doen we de goede dingen?",
        "/leren/#streams-title",
        "Voorbeeldkaart gedrag",
    ):
        assert text in body, text


def admin_data(strategy, **changes):
    data = {
        "programme": strategy.programme_id,
        "deal": strategy.deal_id or "",
        "streams": strategy.streams,
        "modes": strategy.modes,
        "cells": strategy.cells,
        "how_learning": strategy.how_learning,
        "from_others": strategy.from_others,
        "into_work": strategy.into_work,
        "status": strategy.status,
        "visibility": strategy.visibility,
        "reviewed_on": strategy.reviewed_on.isoformat() if strategy.reviewed_on else "",
        "loaded_version": strategy.updated_at.isoformat(),
    }
    data.update(changes)
    return data


def change_url(strategy):
    return f"/admin/strategies/learningstrategy/{strategy.pk}/change/"


def test_editor_writes_drafts_but_cannot_publish(make_strategy, programme):
    editor = staff_client(EDITOR, "redacteur")[0]
    strategy = make_strategy(programme, status="draft")
    form = editor.get(change_url(strategy)).context["adminform"].form
    assert [value for value, _label in form.fields["status"].choices] == ["draft"]
    response = editor.post(change_url(strategy), admin_data(strategy, status="published"))
    assert response.status_code == 200
    strategy.refresh_from_db()
    assert strategy.status == "draft"
    response = editor.post(
        change_url(strategy), admin_data(strategy, into_work="Elk kwartaal een terugblik.")
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.into_work == "Elk kwartaal een terugblik."


def test_editor_cannot_make_a_published_strategy_public_nor_restore_history(make_strategy, programme):
    editor = staff_client(EDITOR, "redacteur")[0]
    strategy = make_strategy(programme)
    response = editor.post(change_url(strategy), admin_data(strategy, visibility="public"))
    assert "Alleen een coördinator mag de zichtbaarheid" in response.content.decode()
    assert LearningStrategy.objects.get(pk=strategy.pk).visibility == "internal"
    coordinator = staff_client(COORDINATOR, "coordinator")[0]
    coordinator.post(change_url(strategy), admin_data(strategy, into_work="Nieuw."))
    version = Version.objects.get_for_object(strategy).first()
    history_url = f"/admin/strategies/learningstrategy/{strategy.pk}/history/{version.pk}/"
    assert editor.get(history_url).status_code == 403
    assert coordinator.get(history_url).status_code == 200


def test_two_editors_do_not_overwrite_each_other(make_strategy, programme):
    coordinator = staff_client(COORDINATOR, "coordinator")[0]
    strategy = make_strategy(programme)
    stale = admin_data(strategy, into_work="Tweede versie.")
    assert (
        coordinator.post(change_url(strategy), admin_data(strategy, into_work="Eerste.")).status_code == 302
    )
    response = coordinator.post(change_url(strategy), stale)
    assert "Iemand anders heeft deze leerstrategie gewijzigd" in response.content.decode()
    assert LearningStrategy.objects.get(pk=strategy.pk).into_work == "Eerste."


def test_history_records_who_changed_what_and_shows_it_to_signed_in_readers(
    make_strategy, programme, client, member_client
):
    coordinator, user = staff_client(COORDINATOR, "coordinator")
    user.first_name, user.last_name = "Anne", "de Vries"
    user.save()
    strategy = make_strategy(programme, visibility="public")
    response = coordinator.post(
        change_url(strategy),
        admin_data(strategy, into_work="Vaste terugblik.", streams=["social", "cognitive"]),
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.updated_by == user
    versions = Version.objects.get_for_object(strategy)
    assert versions.count() == 1
    assert versions[0].revision.user == user
    page = member_client.get(strategy.get_absolute_url()).content.decode()
    assert "Anne de Vries" in page
    assert "Hoe wordt leren deel van het werk?" in page.split("Geschiedenis")[1]
    assert (
        "Leerstromingen" in page.split("Geschiedenis")[1] or "leerstromingen" in page.split("Geschiedenis")[1]
    )
    anonymous = client.get(strategy.get_absolute_url()).content.decode()
    assert "Anne de Vries" not in anonymous and "Geschiedenis" not in anonymous


def test_review_reminder_after_a_year_on_the_page_and_the_attention_list(
    make_strategy, programme, other_programme
):
    coordinator = staff_client(COORDINATOR, "coordinator")[0]
    stale = make_strategy(programme, reviewed_on=timezone.localdate() - datetime.timedelta(days=400))
    fresh = make_strategy(other_programme, reviewed_on=timezone.localdate() - datetime.timedelta(days=30))
    assert "Tijd voor de jaarlijkse herziening" in coordinator.get(stale.get_absolute_url()).content.decode()
    assert "jaarlijkse herziening" not in coordinator.get(fresh.get_absolute_url()).content.decode()
    attention = coordinator.get("/admin/aandacht/").content.decode()
    assert f"/admin/strategies/learningstrategy/{stale.pk}/change/" in attention
    assert f"/admin/strategies/learningstrategy/{fresh.pk}/change/" not in attention
    assert set(LearningStrategy.objects.review_overdue()) == {stale}


def test_strategy_page_is_printable_without_navigation(make_strategy, programme, client):
    strategy = make_strategy(programme, visibility="public")
    body = client.get(strategy.get_absolute_url()).content.decode()
    assert "css/print.css" in body and "data-print" in body
    from django.contrib.staticfiles import finders

    with open(finders.find("css/print.css")) as handle:
        print_css = handle.read()
    assert ".strategy" in print_css and ".print-only" in print_css


def test_strategy_pages_use_a_fixed_number_of_queries(
    make_strategy, make_card, make_lesson, programme, client, django_assert_num_queries
):
    strategy = make_strategy(
        programme, visibility="public", streams=["social", "cognitive"], modes=["deliberate"]
    )
    for number in range(3):
        make_card(title=f"Kaart {number}")
        make_lesson(title=f"Les {number}")
    # The strategy, the content version, then per kind of item one statement per axis chosen
    # (3 axes x 2 kinds); the examples are then cached until the content changes.
    with django_assert_num_queries(8):
        assert client.get(strategy.get_absolute_url()).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(strategy.get_absolute_url()).status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/leerstrategieen/").status_code == 200


def test_the_rule_itself_refuses_an_editor_publishing_or_withdrawing(
    make_strategy, programme, other_programme
):
    from django.core.exceptions import ValidationError

    from dealkennis.workflow import stored_state
    from strategies.workflow import check_strategy_change

    editor, coordinator = staff_client(EDITOR, "redacteur")[1], staff_client(COORDINATOR, "coordinator")[1]
    draft = make_strategy(programme, status="draft")
    published = make_strategy(other_programme)
    draft.status, published.status = "published", "draft"
    for strategy in (draft, published):
        with pytest.raises(ValidationError, match="Alleen een coördinator"):
            check_strategy_change(editor, strategy, stored_state(strategy))
        check_strategy_change(coordinator, strategy, stored_state(strategy))
    published.status = "published"
    published.into_work = "Een editor mag de tekst van een gepubliceerde strategie bijwerken."
    check_strategy_change(editor, published, stored_state(published))
