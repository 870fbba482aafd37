"""The starter path continues on each of its cards: which step of how many, and the steps either side."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(make_card):
    return [
        make_card(starter_rank=1, question="Eerste vraag?"),
        make_card(starter_rank=2, question="Interne vraag?", visibility="internal"),
        make_card(starter_rank=5, question="Laatste vraag?"),
    ]


def test_a_starter_card_says_its_step_and_links_its_neighbours_as_the_reader_sees_the_path(
    client, member_client, path
):
    first, internal, last = path
    anonymous = client.get(last.get_absolute_url())
    assert anonymous.context["starter_path"]() == {
        "step": 2,
        "total": 2,
        "previous": first,
        "next": None,
    }
    content = anonymous.content.decode()
    assert "Stap 2 van 2" in content
    assert f'rel="prev" href="{first.get_absolute_url()}"' in content
    assert 'rel="next"' not in content
    assert "Interne vraag?" not in content

    member = member_client.get(last.get_absolute_url()).content.decode()
    assert "Stap 3 van 3" in member
    assert f'rel="prev" href="{internal.get_absolute_url()}"' in member

    opening = client.get(first.get_absolute_url()).content.decode()
    assert "Stap 1 van 2" in opening
    assert f'rel="next" href="{last.get_absolute_url()}"' in opening
    assert 'rel="prev"' not in opening


def test_a_card_outside_the_path_shows_no_steps(client, path, make_card):
    card = make_card()
    assert "Stap " not in client.get(card.get_absolute_url()).content.decode()
    # An internal starter card is not a step for readers who cannot see it (nor can they open it).
    assert client.get(path[1].get_absolute_url()).status_code == 404


@pytest.mark.parametrize("count", [2, 8])
def test_a_starter_card_reads_the_path_in_one_query(client, make_card, django_assert_num_queries, count):
    cards = [make_card(starter_rank=rank) for rank in range(1, count + 1)]
    # As any card page (card, tags, lessons, content version, related items), plus the path.
    with django_assert_num_queries(6):
        assert client.get(cards[1].get_absolute_url()).status_code == 200
