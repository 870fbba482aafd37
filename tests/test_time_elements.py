"""Every <time datetime> holds a value the HTML standard (and the Nu HTML checker) accepts."""

import re

from django.utils import timezone

# A valid date, or a valid (local or global) date and time string: at most
# three digits of a second's fraction, so never Python's microseconds.
VALID_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?"
)


def time_values(content):
    return re.findall(r'<time[^>]*\sdatetime="([^"]*)"', content)


def test_pages_that_show_times_give_valid_datetime_values(client, member_client, make_card, make_lesson):
    card = make_card(title="Kaart met datum")
    lesson = make_lesson(title="Les met datum", visibility="internal")
    pages = {
        client: ["/", "/kaarten/", "/lessen/", "/programmas/green-deals/", card.get_absolute_url()],
        member_client: [lesson.get_absolute_url(), "/zoeken/?q=datum"],
    }
    shown = []
    for reader, paths in pages.items():
        for path in paths:
            response = reader.get(path)
            assert response.status_code == 200, path
            shown += [(path, value) for value in time_values(response.content.decode())]
    assert {path for path, _value in shown} >= {card.get_absolute_url(), lesson.get_absolute_url()}
    assert [(path, value) for path, value in shown if not VALID_DATETIME.fullmatch(value)] == []


def test_the_datetime_value_is_the_date_shown(client, make_card):
    card = make_card(title="Kaart")
    content = client.get(card.get_absolute_url()).content.decode()
    assert time_values(content) == [timezone.localdate(card.updated_at).isoformat()]
