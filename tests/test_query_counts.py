"""The number of queries per page must not grow with the number of items shown."""

import pytest

pytestmark = pytest.mark.django_db


def _fill(make_card, make_lesson, count):
    for number in range(count):
        card = make_card(tags=["a", f"tag{number}"], starter_rank=number + 1)
        lesson = make_lesson(tags=["b", f"les{number}"])
        card.lessons.add(lesson)


@pytest.mark.parametrize("count", [1, 8])
@pytest.mark.parametrize(
    "path, expected_queries",
    [
        # starters, recent lessons, programmes, the content version, the matrix (one sum over the kept counts)
        ("/", 5),
        ("/kaarten/", 4),
        ("/lessen/", 4),
        ("/kaarten/?stream=social&programme=green-deals", 4),
        # programme, deals, cards, lessons, its learning strategy, and for the heatmaps the content
        # version and one count
        ("/programmas/green-deals/", 7),
        # /leren/: the content version, the counts, and the learning strategies it links to
        ("/leren/", 4),
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count, path, expected_queries
):
    _fill(make_card, make_lesson, count)
    with django_assert_num_queries(expected_queries):
        assert client.get(path).status_code == 200


def test_list_count_is_cached_and_follows_every_change(client, make_card, django_assert_num_queries):
    make_card(title="Eerste")
    assert "1 resultaat" in client.get("/kaarten/").content.decode()
    # The content version only: the programmes, the count and the rendered list come from the cache.
    with django_assert_num_queries(1):
        assert client.get("/kaarten/").status_code == 200
    # Another query string renders again, with the count still cached.
    with django_assert_num_queries(2):
        assert client.get("/kaarten/", {"page": 1}).status_code == 200
    second = make_card(title="Tweede")
    assert "2 resultaten" in client.get("/kaarten/").content.decode()
    second.visibility = "internal"
    second.save()
    assert "1 resultaat" in client.get("/kaarten/").content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_card_detail_uses_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count
):
    card = make_card(tags=[f"t{n}" for n in range(count)])
    card.lessons.set([make_lesson() for _ in range(count)])
    # The card, its tags, its lessons, the content version and the related items.
    with django_assert_num_queries(5):
        assert client.get(card.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_lesson_detail_uses_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count
):
    lesson = make_lesson(tags=[f"t{n}" for n in range(count)])
    for _ in range(count):
        make_card().lessons.add(lesson)
    # The fifth statement reads the lesson's follow-ups.
    with django_assert_num_queries(6):
        assert client.get(lesson.get_absolute_url()).status_code == 200


def test_detail_page_body_is_cached_and_follows_every_change(
    client, make_card, make_lesson, django_assert_num_queries
):
    card = make_card(title="Kaart")
    lesson = make_lesson(title="Achterliggende les")
    card.lessons.add(lesson)
    assert "Achterliggende les" in client.get(card.get_absolute_url()).content.decode()
    # The card itself (for a 404 and the title) and the content version.
    with django_assert_num_queries(2):
        assert client.get(card.get_absolute_url()).status_code == 200
    lesson.visibility = "internal"
    lesson.save()
    assert "Achterliggende les" not in client.get(card.get_absolute_url()).content.decode()
