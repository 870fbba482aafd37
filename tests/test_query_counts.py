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
        ("/", 8),
        ("/kaarten/", 3),
        ("/lessen/", 3),
        ("/kaarten/?stream=social&programme=green-deals", 3),
        ("/programmas/green-deals/", 4),
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count, path, expected_queries
):
    _fill(make_card, make_lesson, count)
    with django_assert_num_queries(expected_queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_card_detail_uses_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count
):
    card = make_card(tags=[f"t{n}" for n in range(count)])
    card.lessons.set([make_lesson() for _ in range(count)])
    with django_assert_num_queries(8):
        assert client.get(card.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_lesson_detail_uses_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count
):
    lesson = make_lesson(tags=[f"t{n}" for n in range(count)])
    for _ in range(count):
        make_card().lessons.add(lesson)
    with django_assert_num_queries(8):
        assert client.get(lesson.get_absolute_url()).status_code == 200
