import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from cards.models import Card
from dealkennis.models import Deal
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["stream", "mode", "order", "level", "status", "visibility"])
@pytest.mark.parametrize("model_fixture", ["make_card", "make_lesson"])
def test_database_rejects_a_code_outside_the_vocabulary(request, model_fixture, field):
    item = request.getfixturevalue(model_fixture)()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(item).objects.filter(pk=item.pk).update(**{field: "onbekend"})


def test_database_rejects_a_lesson_with_an_unknown_source_kind(make_lesson):
    lesson = make_lesson()
    with pytest.raises(IntegrityError), transaction.atomic():
        Lesson.objects.filter(pk=lesson.pk).update(source_kind="gerucht")


def test_database_rejects_an_empty_title(make_card):
    card = make_card()
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.filter(pk=card.pk).update(title="")


def test_deal_cannot_end_before_it_was_signed(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.create(
            name="Achterstevoren",
            slug="achterstevoren",
            programme=programme,
            signed_on=datetime.date(2020, 5, 1),
            ended_on=datetime.date(2019, 1, 1),
        )


def test_deal_of_another_programme_is_refused_by_validation(make_card, other_programme):
    foreign_deal = Deal.objects.create(name="City Deal X", slug="city-deal-x", programme=other_programme)
    card = make_card()
    card.deal = foreign_deal
    with pytest.raises(ValidationError) as error:
        card.full_clean()
    assert "deal" in error.value.message_dict


def test_markdown_body_is_rendered_once_on_save_and_sanitised(make_lesson):
    lesson = make_lesson(
        body=(
            "**Vet** en [link](https://example.org)\n\n"
            "<script>alert(1)</script>\n\n"
            '<a href="javascript:alert(2)" onclick="x()">klik</a>'
        )
    )
    assert "<strong>Vet</strong>" in lesson.body_html
    assert 'href="https://example.org"' in lesson.body_html
    assert "<script" not in lesson.body_html
    assert "javascript:" not in lesson.body_html
    assert "onclick" not in lesson.body_html


def test_slug_is_made_from_the_title_and_kept_unique(make_card):
    first = make_card(title="Een nieuwe partij", slug="")
    second = make_card(title="Een nieuwe partij", slug="")
    assert first.slug == "een-nieuwe-partij"
    assert second.slug == "een-nieuwe-partij-2"


def test_publishing_records_the_first_publication_moment(make_card):
    card = make_card(status="draft")
    assert card.published_at is None
    card.status = "published"
    card.save()
    first = card.published_at
    assert first is not None
    card.save()
    assert card.published_at == first


def test_tags_are_copied_into_the_search_text(make_card):
    card = make_card(tags=["juridisch", "toetreding"])
    card.refresh_from_db()
    assert card.search_tags == "juridisch toetreding"
    card.tags.remove("juridisch")
    card.refresh_from_db()
    assert card.search_tags == "toetreding"


def test_an_item_saved_again_after_its_tags_changed_keeps_the_new_tag_names(make_card):
    card = make_card(title="Kaart")
    card.tags.set(["juridisch"])
    card.title = "Kaart, herzien"
    card.save()  # as a form or an import may, with the item it holds
    card.refresh_from_db()
    assert card.search_tags == "juridisch"


def test_an_item_names_its_own_tags_in_the_order_they_were_added(make_card, make_lesson):
    card = make_card()
    for name in ("zorg", "Arbeidsmarkt", "bestuur"):
        card.tags.add(name)
    # The same id in the other kind's table: its tags are not the card's.
    lesson = make_lesson(pk=card.pk, tags=["wonen"])
    assert card.tag_names == ["zorg", "Arbeidsmarkt", "bestuur"]
    assert lesson.tag_names == ["wonen"]
    assert make_card(title="Zonder tags").tag_names == []


def test_renaming_a_programme_updates_the_search_text_of_its_items(make_lesson, programme):
    lesson = make_lesson()
    programme.name = "Green Deals Nieuw"
    programme.save()
    lesson.refresh_from_db()
    assert "Green Deals Nieuw" in lesson.search_context


def test_search_vector_is_generated_by_the_database_with_weights(make_card):
    card = make_card(title="Toetreding van een partij", summary="Samenvatting over juristen")
    vector = Card.objects.values_list("search_vector", flat=True).get(pk=card.pk)
    assert "'toetred':1A" in vector
    assert "jurist" in vector and "B" in vector.split("'jurist'")[1][:6]


def test_search_vector_folds_diacritics(make_card):
    card = make_card(title="De coördinator")
    vector = Card.objects.values_list("search_vector", flat=True).get(pk=card.pk)
    assert "coordinator" in vector
    assert "coördinator" not in vector


@pytest.mark.parametrize("language", ["nl", "en"])
def test_classification_labels_match_the_choice_labels_in_each_language(make_card, language):
    card = make_card()
    with translation.override(language):
        expected = {
            name: str(getattr(card, f"get_{name}_display")()) for name in ("stream", "mode", "order", "level")
        }
        assert {name: str(label) for name, label in card.labels.items()} == expected


def test_models_and_migrations_agree():
    # A model change without its migration would pass every other test here,
    # since the test database is built from the migrations.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
