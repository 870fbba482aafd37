"""Facets of a search: the counts per type, programme, classification and tag over what matched.

`count_facets` counts in PostgreSQL, one statement per kind of item;
`facet_groups` turns the counts into the lists shown beside the results (links
to toggle them are the web layer's).
"""

from collections import Counter

from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, Q, Value, When
from django.utils.translation import gettext_lazy as _lazy

from dealkennis.classification import VOCABULARIES
from dealkennis.filters import FILTER_LABELS

TAG_FACET_SIZE = 15


FACET_COLUMNS = ("programme_id", *VOCABULARIES)
_VOCABULARY_NAMES = tuple(VOCABULARIES)
# The grouping sets of `count_facets`: the facet columns and "by_words", each
# counted alone. GROUPING() sets a bit for every column left out of a row's
# set, the first column's bit highest; this maps its value to the column counted.
_BY_WORDS = len(FACET_COLUMNS)
_ALL_LEFT_OUT = (1 << (_BY_WORDS + 1)) - 1
_GROUPED = {_ALL_LEFT_OUT ^ (1 << (_BY_WORDS - column)): column for column in range(_BY_WORDS + 1)}


def empty_facets(programmes):
    """The facet counts of an empty result: every programme and classification value at 0."""
    facets = {"type": {}, "total": 0, "words": 0, "tags": [], "programme": {p.slug: 0 for p in programmes}}
    for name, vocabulary in VOCABULARIES.items():
        facets[name] = dict.fromkeys(vocabulary.values, 0)
    return facets


def most_frequent(tags, limit=None):
    """Tag counts ({name: count}) as the facet lists them: most frequent first, then by name."""
    return sorted(tags.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]


def tally(facets, kind, programme_slug, vocabulary_values, share=1):
    """Count one item (or `share` items) of `kind` in the type, total, programme and classification facets."""
    facets["type"][kind] = facets["type"].get(kind, 0) + share
    facets["total"] += share
    facets["programme"][programme_slug] += share
    for name, value in zip(VOCABULARIES, vocabulary_values, strict=True):
        facets[name][value] += share


def count_facets(
    matched, programmes, words=None, meaning=None, newest=None, tag_limit=TAG_FACET_SIZE, scale=None
):
    """Counts per facet value over what matches: one statement, one pass over each model's matches.

    With `words` (a tsquery), "words" counts how many of the matches it
    matches too, in the same pass: the share of a joined result found by words.
    With `meaning` ({kind: pks} that joined by meaning), every other match is
    known to be found by words, so only those few are tested against `words`;
    "meaning_words" lists those the words found too, as [kind, pk].
    With `newest` (a number), "newest" holds per kind the pks of that many of
    the newest matches found by words: the engine ranks those without finding
    the matches a second time (for a word in thousands of items, that second
    pass read every match's row again: most of the ranking statement's time).
    `tag_limit`: how many of the most frequent tags are kept (None: all).
    With `scale` ({kind: how many items one match stands for}), each count
    is scaled (`window`), and "read" says how many matches were counted.
    """
    facets = empty_facets(programmes)
    slugs = {programme.pk: programme.slug for programme in programmes}
    kinds, ctes, selects, params, select_params = list(matched), [], [], [], []
    dated = ("published_at",) if newest else ()
    columns = [connection.ops.quote_name(c) for c in ("id", *FACET_COLUMNS, "by_words", "tag_ids", *dated)]
    # Each facet column counted on its own in one pass (GROUPING SETS): a few
    # dozen rows per kind, where grouping by all columns together returned
    # hundreds for Python to add up (a third of this function's Python time).
    grouped = ", ".join(columns[1 : len(FACET_COLUMNS) + 2])
    grouping_sets = ", ".join(f"({column})" for column in columns[1 : len(FACET_COLUMNS) + 2])
    nulls = ", ".join(["NULL"] * len(FACET_COLUMNS))
    for index, queryset in enumerate(matched.values()):
        by_words = Value(True) if words is None else ExpressionWrapper(Q(search_vector=words), BooleanField())
        if words is not None and meaning is not None:
            # Testing every match would read (detoast) every match's search
            # vector: five times the statement's time for a common word at 100k.
            kind = kinds[index]
            by_words = Case(When(pk__in=list(meaning.get(kind, ())), then=by_words), default=Value(True))
        rows = queryset.order_by().annotate(by_words=by_words)
        rows = rows.values("pk", *FACET_COLUMNS, "by_words", "tag_ids", *dated)
        inner, inner_params = rows.query.sql_with_params()
        _links, tag_table = queryset.model.tag_tables(connection)
        ctes.append(f"matched{index} ({', '.join(columns)}) AS MATERIALIZED ({inner})")
        params.extend(inner_params)
        selects.append(
            f"SELECT {index}, {grouped}, NULL, count(*), GROUPING({grouped}), NULL::bigint[]"  # noqa: S608
            f" FROM matched{index} GROUP BY GROUPING SETS ({grouping_sets}) UNION ALL "
            f"SELECT {index}, {nulls}, NULL, tag.name, tagged.n, NULL, NULL FROM ("
            # The matches' tags from the rows read already (`tag_ids`): looking
            # up thousands of matches' links in the tag index took a third of
            # this statement's time for a medium word at 100k items.
            # unnest() in the select list: in FROM, it fills a tuplestore per row.
            f"SELECT tag_id, count(*) AS n FROM (SELECT unnest(tag_ids) AS tag_id FROM matched{index})"
            f" AS item GROUP BY tag_id) AS tagged JOIN {tag_table} AS tag ON tag.id = tagged.tag_id"
        )
        if words is not None and meaning is not None and meaning.get(kinds[index]):
            # A row without a programme: an item found by meaning that the words found too.
            selects.append(
                f"SELECT {index}, {nulls}, TRUE, NULL, id, NULL, NULL"  # noqa: S608
                f" FROM matched{index} WHERE by_words AND id = ANY(%s)"
            )
            select_params.append(list(meaning[kinds[index]]))
        if newest:
            # One row holding the pks of the newest word matches, as an array.
            selects.append(
                f"SELECT {index}, {nulls}, NULL, NULL, NULL, NULL, coalesce(array_agg(id), '{{}}')"  # noqa: S608
                f" FROM (SELECT id FROM matched{index} WHERE by_words"
                " ORDER BY published_at DESC NULLS LAST LIMIT %s) AS newest"
            )
            select_params.append(newest)
    sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}"  # noqa: S608 - ORM-built SQL and constants
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params])
        rows = cursor.fetchall()
    tags = Counter()
    facets["type"] = dict.fromkeys(kinds, 0)
    facets["meaning_words"] = []
    shares = [1 if scale is None else scale[kind] for kind in kinds]
    read = 0
    if newest:
        facets["newest"] = {kind: [] for kind in kinds}
    for index, *values, tag, count, grouping, ids in rows:
        if grouping is not None:
            column = _GROUPED[grouping]
            value = values[column]
            read += count if column == _BY_WORDS else 0
            count *= shares[index]
            if column == _BY_WORDS:
                facets["type"][kinds[index]] += count
                facets["total"] += count
                facets["words"] += count if value else 0
            elif column == 0:
                facets["programme"][slugs[value]] += count
            else:
                facets[_VOCABULARY_NAMES[column - 1]][value] += count
        elif tag is not None:
            tags[tag] += count * shares[index]
        elif ids is not None:
            facets["newest"][kinds[index]] = ids
        else:
            facets["meaning_words"].append([kinds[index], count])
    facets["tags"] = most_frequent(tags, tag_limit)
    if scale is not None:
        facets["read"] = read
    return facets


# The few items found by meaning (at most hybrid.MEANING_LIMIT), read by primary
# key: chosen among what the reader may see and narrowed by the filters already.
ITEMS_SQL = (
    "SELECT %s, item.id, {columns}, item.search_vector @@ {tsquery},"
    " ARRAY(SELECT tag.name FROM unnest(item.tag_ids) AS tag_id JOIN {tags} AS tag ON tag.id = tag_id)"
    " FROM {table} AS item WHERE item.id = ANY(%s)"
)


def count_items(models, pks, programmes, words):
    """The facets of the items found by meaning alone, to be `added` to the word matches' counts.

    `models` and `pks`: {kind: model} and {kind: pks}, the items found by
    meaning. Counts those the tsquery `words` does not match, every tag kept;
    lists those it does in "meaning_words" as [kind, pk]. Written out rather
    than compiled from querysets: for ten items the ORM took longer than
    PostgreSQL.
    """
    quote = connection.ops.quote_name
    tsquery, tsquery_params = words.sql()
    kinds, parts, params = list(models), [], []
    for index, (kind, model) in enumerate(models.items()):
        if not pks.get(kind):
            continue
        _links, tags = model.tag_tables(connection)
        parts.append(
            ITEMS_SQL.format(
                columns=", ".join(f"item.{quote(column)}" for column in FACET_COLUMNS),
                tsquery=tsquery,
                tags=tags,
                table=quote(model._meta.db_table),
            )
        )
        params += [index, *tsquery_params, list(pks[kind])]
    facets = empty_facets(programmes)
    facets["type"], facets["meaning_words"] = {kind: 0 for kind in kinds if pks.get(kind)}, []
    rows = []
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
    slugs = {programme.pk: programme.slug for programme in programmes}
    tags = Counter()
    for index, pk, programme_id, *values, by_words, tag_names in rows:
        if by_words:
            facets["meaning_words"].append([kinds[index], pk])
            continue
        tally(facets, kinds[index], slugs[programme_id], values)
        tags.update(tag_names)
    facets["tags"] = most_frequent(tags)
    return facets


def added(words, meaning):
    """The counts of the word matches (`words`) and of the items found by meaning alone, added up.

    Both from `count_facets` with every tag (`tag_limit=None`); the two sets
    of items are disjoint, so every count is the sum of the two.
    """
    facets = {**words, "meaning_words": meaning["meaning_words"]}
    for key in ("total", "words"):
        facets[key] = words[key] + meaning[key]
    for name in ("type", "programme", *VOCABULARIES):
        both = {**words[name], **meaning[name]}
        facets[name] = {value: words[name].get(value, 0) + meaning[name].get(value, 0) for value in both}
    tags = Counter(dict(words["tags"])) + Counter(dict(meaning["tags"]))
    facets["tags"] = most_frequent(tags, TAG_FACET_SIZE)
    return facets


TYPE_LABELS = {"card": _lazy("Inspiratiekaarten"), "lesson": _lazy("Lessen")}


def facet_groups(outcome, programmes):
    """The facet lists beside the results: name, label and options (value, label, count, active).

    A value shows when it has matches or is chosen; links to toggle one are the web layer's.
    """
    if outcome.is_browse:
        return []
    active = dict(outcome.filters.active)
    if outcome.kind:
        active["type"] = outcome.kind
    choices = {
        "type": list(TYPE_LABELS.items()),
        "programme": [(p.slug, p.name) for p in programmes],
        **{name: vocabulary.choices for name, vocabulary in VOCABULARIES.items()},
    }
    labels = {"type": _lazy("Soort"), **FILTER_LABELS}
    groups = []
    for name, options in choices.items():
        counts = outcome.facets.get(name, {})
        entries = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "active": active.get(name) == value,
            }
            for value, label in options
        ]
        entries = [entry for entry in entries if entry["count"] or entry["active"]]
        if entries:
            groups.append({"name": name, "label": labels[name], "options": entries})

    active_tag = (active.get("tag") or "").lower()
    tag_entries = [
        {"value": name, "label": name, "count": count, "active": active_tag == name.lower()}
        for name, count in outcome.facets.get("tags", [])
    ]
    if tag_entries:
        groups.append({"name": "tag", "label": _lazy("Tag"), "options": tag_entries})
    return groups
