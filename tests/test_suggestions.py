"""Typo suggestions ("Bedoelde je …") come only from words the reader may see."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from dealkennis.search.suggestions import SearchWord, corrected


def suggestion(client, query):
    return client.get("/zoeken/", {"q": query}).context["outcome"].suggestion


@pytest.fixture
def public_lesson(make_lesson):
    return make_lesson(title="Samenwerking in de regio")


def test_a_draft_holding_the_typed_word_does_not_change_an_anonymous_suggestion(
    client, public_lesson, make_lesson
):
    assert suggestion(client, "samenwerkng") == "samenwerking"
    make_lesson(title="Concept", summary="Over samenwerkng.", status="draft")
    assert suggestion(client, "samenwerkng") == "samenwerking"


def test_a_draft_does_not_change_a_members_suggestion(member_client, public_lesson, make_card):
    make_card(title="Concept", body="Een alinea over samenwerkng.", status="review")
    assert suggestion(member_client, "samenwerkng") == "samenwerking"


def test_an_internal_item_does_not_change_an_anonymous_suggestion(client, public_lesson, make_card):
    make_card(title="Intern", summary="Over samenwerkng.", visibility="internal")
    assert suggestion(client, "samenwerkng") == "samenwerking"


def test_a_member_sees_suggestions_from_internal_items(member_client, client, make_lesson):
    make_lesson(title="Zwartboek", visibility="internal")
    assert suggestion(member_client, "zwartbeok") == "zwartboek"
    assert suggestion(client, "zwartbeok") == ""


def test_tags_of_a_draft_do_not_change_an_anonymous_suggestion(client, public_lesson, make_lesson):
    draft = make_lesson(title="Concept", status="draft")
    draft.tags.set(["samenwerkng"])
    assert suggestion(client, "samenwerkng") == "samenwerking"


def test_the_bulk_fill_keeps_the_audiences_apart(client, member_client, public_lesson, make_lesson):
    make_lesson(title="Concept", summary="Over samenwerkng.", status="draft")
    make_lesson(title="Zwartboek", visibility="internal")
    SearchWord.objects.all().delete()
    SearchWord.fill_from_items()
    assert suggestion(client, "samenwerkng") == "samenwerking"
    assert suggestion(client, "zwartbeok") == ""
    assert suggestion(member_client, "zwartbeok") == "zwartboek"
    assert suggestion(member_client, "samenwerkng") == "samenwerking"


def test_publishing_an_item_adds_its_words_for_its_readers(client, make_lesson):
    lesson = make_lesson(title="Kringloopeconomie", status="draft")
    assert suggestion(client, "kringloopeconomi") == ""
    lesson.status = "published"
    lesson.save()
    assert suggestion(client, "kringloopeconmie") == "kringloopeconomie"


def links(content, css_class):
    paragraph = re.search(rf'<p class="{css_class}[^"]*">(.*?)</p>', content, re.S).group(1)
    return [parse_qs(urlsplit(unescape(href)).query) for href in re.findall(r'href="([^"]*)"', paragraph)]


def test_the_suggestion_link_replaces_the_query_and_keeps_the_filters(client, public_lesson):
    content = client.get("/zoeken/", {"q": "samenwerkng", "type": "lesson", "page": "2"}).content.decode()
    assert links(content, "suggestion") == [{"q": ["samenwerking"], "type": ["lesson"]}]


def test_the_sort_link_replaces_the_sort(client, make_lesson):
    make_lesson(title="Samenwerking een")
    make_lesson(title="Samenwerking twee")
    content = client.get("/zoeken/", {"q": "samenwerking", "sort": "relevance"}).content.decode()
    assert links(content, "sort") == [{"q": ["samenwerking"], "sort": ["date"]}]


def test_an_import_adds_words_only_for_the_audiences_that_may_see_them(client, member_client, programme):
    from lessons.resources import LessonResource
    from tests.test_imports import dataset, lesson_row

    rows = [
        lesson_row(programme, slug="open", title="Kwartiermaker", status="published", visibility="public"),
        lesson_row(programme, slug="intern", title="Dwarsligger", status="published"),
        lesson_row(programme, slug="concept", title="Zwartboek", status="draft"),
    ]
    result = LessonResource().import_data(dataset(rows), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert suggestion(client, "kwartiermakr") == "kwartiermaker"
    assert suggestion(client, "dwarslggr") == ""
    assert suggestion(member_client, "dwarslggr") == "dwarsligger"
    assert suggestion(member_client, "zwartbok") == ""


def test_the_vocabulary_follows_visible_to_for_every_status_and_visibility(member, make_lesson):
    from django.contrib.auth.models import AnonymousUser

    from lessons.models import Lesson

    readers = {"public": AnonymousUser(), "internal": member}
    words = iter(["alfawoord", "bravowoord", "charliewoord", "deltawoord", "echowoord", "foxtrotwoord"])
    lessons = {}
    for status in ("draft", "review", "published"):
        for visibility in ("public", "internal"):
            word = next(words)
            lessons[word] = make_lesson(title=f"Les {word}", status=status, visibility=visibility)
    SearchWord.fill_from_items()
    for word, lesson in lessons.items():
        visible = {audience: Lesson.objects.visible_to(reader) for audience, reader in readers.items()}
        may_see = {audience for audience, items in visible.items() if items.filter(pk=lesson.pk).exists()}
        assert set(lesson.audiences) == may_see, (lesson.status, lesson.visibility)
        filled = set(SearchWord.objects.filter(word=word).values_list("audience", flat=True))
        assert filled == may_see, (lesson.status, lesson.visibility)


def known(audience):
    return set(SearchWord.objects.filter(audience=audience).values_list("word", flat=True))


def test_withdrawing_the_only_item_holding_a_word_forgets_it(client, make_lesson):
    lesson = make_lesson(title="Kwartiermaker")
    assert "kwartiermaker" in known("public") and "kwartiermaker" in known("internal")
    lesson.status = "draft"
    lesson.save()
    assert "kwartiermaker" not in known("public") | known("internal")
    assert suggestion(client, "kwartiermakr") == ""


def test_making_an_item_internal_forgets_its_words_for_the_public_only(make_card):
    card = make_card(title="Kwartiermaker")
    card.visibility = "internal"
    card.save()
    assert "kwartiermaker" not in known("public")
    assert "kwartiermaker" in known("internal")


def test_a_word_another_visible_item_holds_is_kept(make_lesson, make_card):
    make_card(title="Kwartiermaker gezocht")
    lesson = make_lesson(title="Kwartiermaker")
    lesson.status = "archived"
    lesson.save()
    assert "kwartiermaker" in known("public")


def test_editing_a_word_out_of_the_text_forgets_it(make_lesson):
    lesson = make_lesson(title="Over de kwartiermaker", body="Een dwarsligger in het overleg.")
    lesson.body = "Een gesprek in het overleg."
    lesson.save()
    assert "dwarsligger" not in known("public") | known("internal")
    assert {"kwartiermaker", "gesprek"} <= known("public")


def test_deleting_an_item_forgets_its_words(make_lesson):
    make_lesson(title="Kwartiermaker").delete()
    assert "kwartiermaker" not in known("public") | known("internal")


def test_removing_a_tag_forgets_its_word(make_lesson):
    lesson = make_lesson(title="Een les", tags=["dwarsligger"])
    assert "dwarsligger" in known("public")
    lesson.tags.set([])
    assert "dwarsligger" not in known("public")


def test_an_import_that_withdraws_an_item_forgets_its_words(programme, make_lesson):
    from lessons.resources import LessonResource
    from tests.test_imports import dataset, lesson_row

    make_lesson(slug="les", title="Kwartiermaker")
    row = lesson_row(programme, slug="les", title="Een les", status="draft", visibility="public")
    result = LessonResource().import_data(dataset([row]), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert "kwartiermaker" not in known("public") | known("internal")


# --- Compounds: a typed word made of known words is split, never swapped for a look-alike ---


def test_a_compound_of_known_words_is_split_rather_than_replaced_by_a_look_alike(client, make_lesson):
    make_lesson(title="De coördinator zorgde voor een deal", body="Zorg goed voor elkaar.")
    assert suggestion(client, "zorgdeal") == "zorg deal"


def test_a_compound_with_a_linking_s_is_split_at_it(client, make_lesson):
    make_lesson(title="Samenwerking op samenwerkingsniveau", body="Een deal met de regio.")
    assert suggestion(client, "samenwerkingsdeal") == "samenwerking deal"


def test_a_compound_of_three_known_words_is_split_into_the_fewest_parts(client, make_lesson):
    make_lesson(title="De woondeal", body="Een woon deal in de regio.")
    assert suggestion(client, "woondealregio") == "woondeal regio"


def test_a_compound_is_split_only_into_words_the_reader_may_see(client, member_client, make_lesson):
    make_lesson(title="Samenwerking in de regio")
    make_lesson(title="Zwartboek over de regio", visibility="internal")
    assert suggestion(member_client, "zwartboekregio") == "zwartboek regio"
    assert "zwartboek" not in corrected("public", "zwartboekregio", ["zwartboekregio"])
    assert "zwartboek" not in suggestion(client, "zwartboekregio")


def test_a_word_that_begins_a_known_word_is_not_split(client, make_lesson):
    # "werkbezoek" finds the first lesson by prefix; split, it would find two others.
    make_lesson(title="Werkbezoeken bij andere deals")
    make_lesson(title="Werk en bezoek", body="Een bezoek aan het werk.")
    make_lesson(title="Bezoek op het werk")
    assert suggestion(client, "werkbezoek") != "werk bezoek"


def test_a_typo_in_a_long_word_is_still_corrected_to_the_look_alike(client, make_lesson):
    make_lesson(title="Publiceren in de Staatscourant", body="Vraag het de juristen.")
    assert suggestion(client, "staatscourrant") == "staatscourant"


def test_a_word_the_search_finds_by_its_stem_is_no_typo(make_lesson):
    # The text says "betrek"; "betrekken" has its stem, so the search finds that lesson.
    make_lesson(title="Betrek de partners", summary="Wie is er betrokken bij de deal?")
    assert corrected("public", "partners betrekken", ["partners", "betrekken"]) == ""
    assert corrected("public", "partners betrokkne", ["partners", "betrokkne"]) == "partners betrokken"


def test_a_look_alike_much_shorter_or_longer_is_another_word_not_a_correction(make_lesson):
    make_lesson(title="Lege handen", summary="De staat van de deal.")
    assert corrected("public", "legal", ["legal"]) == ""
    assert corrected("public", "staatssteun", ["staatssteun"]) == ""
    assert corrected("public", "sttaat", ["sttaat"]) == "staat"
