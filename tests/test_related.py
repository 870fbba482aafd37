import pytest
from django.contrib.auth.models import AnonymousUser

from dealkennis.related import related_items

pytestmark = pytest.mark.django_db

# Not the item's own classification (social, experiential, first, task), so
# that only shared tags make these related.
ELSEWHERE = {"stream": "cognitive", "mode": "deliberate", "order": "third", "level": "collaboration"}


@pytest.fixture
def make_card(make_card):
    """Cards whose question is their title: related items name a card by its question (name_field)."""

    def make(**values):
        if "title" in values:
            values.setdefault("question", values["title"])
        return make_card(**values)

    return make


def titles(item, user=None):
    return [related.title for related in related_items(item, user or AnonymousUser())]


def test_more_shared_tags_rank_first(make_card, make_lesson):
    card = make_card(title="Start", tags=["juristen", "toetreding", "geld"])
    make_lesson(title="Een tag", tags=["juristen"], **ELSEWHERE)
    make_lesson(title="Drie tags", tags=["juristen", "toetreding", "geld"], **ELSEWHERE)
    make_lesson(title="Twee tags", tags=["toetreding", "geld"], **ELSEWHERE)
    assert titles(card) == ["Drie tags", "Twee tags", "Een tag"]


def test_a_shared_classification_alone_relates_items(make_lesson):
    lesson = make_lesson(title="Start")
    make_lesson(title="Zelfde indeling")
    make_lesson(title="Andere indeling", **ELSEWHERE)
    assert titles(lesson) == ["Zelfde indeling"]


def test_an_item_is_not_related_to_itself_but_the_other_type_with_its_id_is(make_card, make_lesson):
    lesson = make_lesson(title="De les", tags=["juristen"])
    make_card(title="De kaart", id=lesson.pk, tags=["juristen"])
    assert titles(lesson) == ["De kaart"]


def test_related_items_link_to_their_pages(client, make_card, make_lesson, other_programme):
    card = make_card(title="Start", tags=["juristen"])
    lesson = make_lesson(title="Verwante les", programme=other_programme, tags=["juristen"])
    (related,) = related_items(card, AnonymousUser())
    assert (related.url, related.kind_label, related.programme_name) == (
        lesson.get_absolute_url(),
        "Les",
        other_programme.name,
    )
    assert related.other_programme
    assert client.get(related.url).status_code == 200


def test_only_signed_in_readers_see_internal_related_items_and_nobody_sees_drafts(
    make_card, make_lesson, member
):
    card = make_card(title="Start", tags=["juristen"])
    make_lesson(title="Openbaar", tags=["juristen"], **ELSEWHERE)
    make_lesson(title="Intern", tags=["juristen"], visibility="internal", **ELSEWHERE)
    make_lesson(title="Concept", tags=["juristen"], status="draft", **ELSEWHERE)
    assert titles(card) == ["Openbaar"]
    assert sorted(titles(card, member)) == ["Intern", "Openbaar"]


def test_only_the_newest_items_on_a_tag_are_candidates(make_card, make_lesson, monkeypatch):
    # The bound that keeps the cost flat at 100k items: per type and tag, the
    # newest CANDIDATES items are scored, and older ones are not found.
    monkeypatch.setattr("dealkennis.related.CANDIDATES", 2)
    card = make_card(title="Start", tags=["juristen"])
    for title in ("Oudste", "Middelste", "Nieuwste"):
        make_lesson(title=title, tags=["juristen"], **ELSEWHERE)
    assert sorted(titles(card)) == ["Middelste", "Nieuwste"]


def test_related_items_follow_the_readers_language(client, make_card, make_lesson):
    # Related items are cached across languages; their kind must be named in
    # the language of each page that shows them.
    card = make_card(title="Start", tags=["juristen"])
    make_lesson(title="Verwante les", tags=["juristen"], **ELSEWHERE)
    assert "(Les, " in client.get(card.get_absolute_url()).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "(Lesson, " in client.get(card.get_absolute_url()).content.decode()


def test_related_items_name_a_card_by_its_question(make_card, make_lesson):
    lesson = make_lesson(title="De les", tags=["juristen"])
    make_card(title="Kort", question="Mag een nieuwe partij aansluiten?", tags=["juristen"])
    assert titles(lesson) == ["Mag een nieuwe partij aansluiten?"]


def test_a_linked_card_or_lesson_is_listed_once_not_again_under_related(client, make_card, make_lesson):
    card = make_card(title="De kaart", tags=["juristen"])
    lesson = make_lesson(title="De les", tags=["juristen"])
    other = make_lesson(title="Een andere les", tags=["juristen"])
    lesson.cards.add(card)
    # Both are related by the tag; the card's page lists its lesson already.
    assert set(titles(card)) == {"De les", "Een andere les"}
    card_page = client.get(card.get_absolute_url()).content.decode()
    related = card_page[card_page.index('id="related-title"') :]
    assert other.get_absolute_url() in related and lesson.get_absolute_url() not in related
    assert card_page.count(f'href="{lesson.get_absolute_url()}"') == 1
    lesson_page = client.get(lesson.get_absolute_url()).content.decode()
    assert lesson_page.count(f'href="{card.get_absolute_url()}"') == 1
    assert 'id="related-title"' in lesson_page  # "Een andere les" is still related
