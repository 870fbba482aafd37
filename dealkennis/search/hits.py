"""The results of the page shown: their items, each with its highlighted snippet, in one statement.

Hand-written SQL, like `dealkennis.related`: building and compiling one
queryset per kind (with `select_related`, `only` and a `SearchHeadline`) cost
the ORM more time than PostgreSQL needed to answer them. The query's
tsquery is the engine's own `PrefixSearchQuery`, compiled on its own.
"""

import functools
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dealkennis.classification import VOCABULARIES
from dealkennis.search.text import SEARCH_CONFIG

# Private-use characters mark highlights inside the headline, so the text can be
# escaped as a whole before they are turned into <mark> elements.
MARK_START, MARK_END = "\ue000", "\ue001"
HEADLINE_OPTIONS = {
    "StartSel": MARK_START,
    "StopSel": MARK_END,
    "MaxWords": 35,
    "MinWords": 15,
    "MaxFragments": 2,
    "FragmentDelimiter": " … ",
}
# What a result shows: the body and its HTML stay in the database.
SHOWN = {"id", "title", "slug", "summary", "visibility", *VOCABULARIES, "programme_id"}
PART_SQL = (
    "SELECT %s, {columns}, item.{name}, programme.name, programme.slug, {headline}"
    " FROM {table} AS item JOIN {programmes} AS programme ON programme.id = item.programme_id"
    " WHERE item.id = ANY(%s)"
)
# The same text the search vector's summary and body come from, as Concat would join them.
HEADLINE_SQL = "ts_headline(%s::regconfig, item.summary || ' ' || item.body_text, {tsquery}, %s)"


@dataclass
class Hit:
    item: object
    snippet: str
    # Found by meaning, not by the words of the query.
    by_meaning: bool = False


@functools.cache
def _headline_options():
    return ", ".join(
        connection.ops.compose_sql(f"{name}=%s", [value]) for name, value in HEADLINE_OPTIONS.items()
    )


@functools.cache
def _programme_model(model):
    # Through the item's field: the search package sits below the models module.
    return model._meta.get_field("programme").related_model


def load_hits(models, rows, tsquery, by_meaning=frozenset()):
    """The `rows` ((kind, pk, ...)) as hits, in their order; `models`: {kind: model}.

    With `tsquery`, each snippet is the headline of the item's text with the
    matches marked; without, the summary.
    """
    quote = connection.ops.quote_name
    headline, headline_params = "NULL", []
    if tsquery is not None:
        tsquery_sql, tsquery_params = tsquery.sql()
        headline = HEADLINE_SQL.format(tsquery=tsquery_sql)
        headline_params = [SEARCH_CONFIG, *tsquery_params, _headline_options()]
    kinds = list(models)
    parts, params = [], []
    for index, (kind, model) in enumerate(models.items()):
        pks = [row[1] for row in rows if row[0] == kind]
        if not pks:
            continue
        parts.append(
            PART_SQL.format(
                columns=", ".join(f"item.{quote(field.column)}" for field in _shown_fields(model)),
                name=quote(model._meta.get_field(model.name_field).column),
                headline=headline,
                table=quote(model._meta.db_table),
                programmes=quote(_programme_model(model)._meta.db_table),
            )
        )
        params += [index, *headline_params, pks]
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = cursor.fetchall()
    loaded = {}
    for index, *values, name, programme_name, programme_slug, text in found:
        model = models[kinds[index]]
        item = model.from_db(connection.alias, [field.attname for field in _shown_fields(model)], values)
        setattr(item, model.name_field, name)
        item.programme = _programme_model(model).from_db(
            connection.alias, ["id", "name", "slug"], (item.programme_id, programme_name, programme_slug)
        )
        item.headline = text
        loaded[kinds[index], item.pk] = item
    return [
        Hit(item=loaded[kind, pk], snippet=_snippet(loaded[kind, pk]), by_meaning=(kind, pk) in by_meaning)
        for kind, pk, *_rest in rows
        if (kind, pk) in loaded
    ]


@functools.cache
def _shown_fields(model):
    """The fields every kind's result shows, in the model's order (as `Model.from_db` takes their values).

    The kind's name (a card's question) comes in a column of its own, the
    same place for every kind, so that their rows line up in one UNION.
    """
    return [field for field in model._meta.concrete_fields if field.attname in SHOWN]


def _snippet(item):
    text = item.headline or item.summary
    return mark_safe(  # noqa: S308 - the text is escaped first; only our markers become tags
        escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )
