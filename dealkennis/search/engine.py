"""Search over cards and lessons together: matching, ranking, facets, hits and the typo fallback.

Matching and ranking happen in PostgreSQL on the stored, generated search
vectors (GIN-indexed); headlines are computed only for the page shown. It
returns data and renders nothing: links and pages are `dealkennis.web.search`'s.
The knowledge models come from the app registry (`knowledge_models`), so this
core module imports no app.
"""

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, F, FloatField, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _lazy

from dealkennis.caching import ContentVersion, audience
from dealkennis.classification import VOCABULARIES
from dealkennis.filters import FILTER_LABELS, ItemFilters
from dealkennis.models import knowledge_models
from dealkennis.search import suggestions
from dealkennis.search.forms import SearchForm, SearchRequest
from dealkennis.search.query import (
    OPERATORS,
    PrefixSearchQuery,
    local_setting,
    query_words,
    without_question_words,
)
from dealkennis.search.text import SEARCH_CONFIG

# Below this many full-text hits the typo fallback is consulted for a suggestion.
FEW_RESULTS = 3
TAG_FACET_SIZE = 15
# Rows of the ordered result kept in the cache: the first ten pages.
CACHED_ROWS = 200
# Above this many matches, relevance ranking is limited to the newest ones.
RANK_LIMIT = 1000
# Private-use characters mark highlights inside the headline, so the text can be
# escaped as a whole before they are turned into <mark> elements.
MARK_START, MARK_END = "\ue000", "\ue001"


def searched_models():
    """The kinds of item searched, by name ("card", "lesson"), in the installed order."""
    return {model._meta.model_name: model for model in knowledge_models()}


@dataclass
class Hit:
    item: object
    snippet: str


@dataclass
class SearchOutcome:
    query: str
    filters: ItemFilters
    kind: str
    sort: str
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict = field(default_factory=dict)
    fuzzy: bool = False
    widened: bool = False
    suggestion: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def is_browse(self):
        return not self.query and not self.filters.active and not self.kind


def search(user, request: SearchRequest, programmes, version=None) -> SearchOutcome:
    """Search for `request` (see `parse`) as `user` may see it."""
    query, filters, kind, sort = request.query, request.filters, request.kind, request.sort
    outcome = SearchOutcome(query=query, filters=filters, kind=kind, sort=sort, notices=list(request.notices))
    if outcome.is_browse:
        return outcome

    # Everything but the page itself is cached per audience and content
    # version: a repeated or paged search only loads the items it shows.
    found = ContentVersion.cached(
        "search",
        user,
        [query, sorted(filters.active.items()), kind, sort],
        lambda: _find(user, query, filters, kind, sort, programmes),
        version=version,
    )
    outcome.facets, outcome.total = found["facets"], found["total"]
    outcome.suggestion, outcome.fuzzy, outcome.widened = found["suggestion"], found["fuzzy"], found["widened"]
    outcome.notices.extend(found["notices"])

    paginator = Paginator(range(outcome.total), settings.PAGE_SIZE)
    outcome.page = paginator.get_page(request.page)
    start, end = outcome.page.start_index() - 1, outcome.page.end_index()
    if end <= len(found["rows"]) or len(found["rows"]) >= outcome.total:
        rows = found["rows"][start:end]
    else:
        # Deep pages are rare: find again, without caching, far enough down.
        rows = _find(user, query, filters, kind, sort, programmes, row_limit=end)["rows"][start:end]
    outcome.page.object_list = rows
    highlight = PrefixSearchQuery(found["highlight"], any_word=outcome.widened) if query else None
    outcome.hits = _load_hits(rows, highlight)
    return outcome


def parse(params, programmes) -> SearchRequest:
    """The search a query string asks for, with a notice for each value that was ignored."""
    return SearchForm(params, programmes, kinds=searched_models()).search_request()


def _find(user, query, filters, kind, sort, programmes, row_limit=None):
    """The expensive part of a search: what matches, its facets, and the first pages in order."""
    with _prefer_index_scans(query):
        return _found(user, query, filters, kind, sort, programmes, row_limit)


def _found(user, query, filters, kind, sort, programmes, row_limit):
    models = searched_models()
    chosen = {kind: models[kind]} if kind else models
    base = {name: filters.apply(model.objects.visible_to(user)) for name, model in chosen.items()}
    terms = without_question_words(query)
    words = query_words(terms)
    tsquery = PrefixSearchQuery(terms) if query else None
    found = {"suggestion": "", "fuzzy": False, "widened": False, "notices": [], "highlight": terms}

    matched = base if tsquery is None else _matching(base, tsquery)
    facets = _facets(matched, programmes)
    rank_query, held_words = tsquery, None
    if (
        tsquery is not None
        and facets["total"] < FEW_RESULTS
        and len(words) > 1
        and not OPERATORS.search(f" {terms} ")
    ):
        # Too few items hold every word: widen to items holding any of them,
        # ranked so that those matching more (and all) words come first.
        any_word = PrefixSearchQuery(terms, any_word=True)
        widened = _matching(base, any_word)
        widened_facets = _facets(widened, programmes)
        if widened_facets["total"] > facets["total"]:
            matched, facets, found["widened"] = widened, widened_facets, True
            rank_query, held_words = any_word, words
    if tsquery is not None and facets["total"] < FEW_RESULTS and words:
        corrected = suggestions.corrected(audience(user), terms, words)
        if corrected:
            corrected_query = PrefixSearchQuery(corrected)
            corrected_matched = _matching(base, corrected_query)
            corrected_facets = _facets(corrected_matched, programmes)
            # Offered only when it leads to more of what this reader may see.
            if corrected_facets["total"] > facets["total"]:
                found["suggestion"] = corrected
                if not facets["total"]:
                    matched, facets, found["fuzzy"] = corrected_matched, corrected_facets, True
                    rank_query, held_words, found["highlight"] = corrected_query, None, corrected
                    found["widened"] = False

    if tsquery is not None and not facets["total"] and not _has_lexemes(query):
        # Lazy: what _find returns is cached for every language.
        found["notices"].append(
            _lazy(
                "Je zoekvraag bevat alleen heel gewone woorden (zoals “de” of “het”), waarop niet "
                "gezocht kan worden. Gebruik een inhoudelijk woord."
            )
        )
    limit = row_limit or CACHED_ROWS
    ordered = _ordered_rows(matched, rank_query, held_words, sort, facets["total"], limit)
    found.update(facets=facets, total=facets["total"], rows=[tuple(row[:2]) for row in ordered[:limit]])
    return found


def _matching(base, tsquery):
    return {name: queryset.filter(search_vector=tsquery) for name, queryset in base.items()}


def _prefer_index_scans(query):
    """Match through the GIN index, never by reading every row's search vector.

    The planner does not count the cost of decompressing a stored (TOASTed)
    tsvector, so for a word in most items it picks a sequential scan that
    decompresses them all: ten times slower than the bitmap scan, which needs
    no recheck for a plain text query. The setting holds for the search's own
    queries only, not for the rest of a caller's transaction.
    """
    return local_setting("enable_seqscan", "off") if query else nullcontext()


def _ordered_rows(matched, rank_query, held_words, sort, total, limit):
    ranked = [
        _ranked_rows(name, qs, rank_query, held_words, bounded=total > RANK_LIMIT, limit=limit)
        for name, qs in matched.items()
    ]
    rows = ranked[0].union(*ranked[1:], all=True) if len(ranked) > 1 else ranked[0]
    ordering = ("-rank", "-date", "row_title") if sort == "relevance" else ("-date", "-rank", "row_title")
    return rows.order_by(*ordering)


def _has_lexemes(query):
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, query])
        return cursor.fetchone()[0] > 0


def _ranked_rows(kind, queryset, rank_query, held_words, bounded, limit):
    if bounded:
        # Ranking reads every ranked row's search vector. For a word that
        # matches thousands of items, only the newest RANK_LIMIT matches are
        # ranked; the older ones follow them, newest first. The first pages
        # come from the ranked ones, so they are all that is read for them.
        # NULLS LAST (no published item lacks a date) keeps the planner from
        # walking the date index and testing the match row by row, which
        # decompresses a search vector per row; it takes the matches from the
        # GIN index and sorts those instead.
        newest = queryset.order_by(F("published_at").desc(nulls_last=True)).values("pk")[:RANK_LIMIT]
        if limit <= RANK_LIMIT:
            queryset = queryset.model.objects.filter(pk__in=newest)
    if rank_query is None:
        rank = Value(0.0, output_field=FloatField())
    else:
        rank = SearchRank(F("search_vector"), rank_query)
    if held_words:
        # Widened to any word: an item holding more of the words comes first,
        # whatever the frequency of one very common word such as "deal".
        held = [
            Case(
                When(search_vector=PrefixSearchQuery(word), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for word in held_words
        ]
        rank = sum(held, rank)
    if bounded and limit > RANK_LIMIT:
        rank = Case(When(pk__in=newest, then=rank), default=Value(-1.0), output_field=FloatField())
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind),
            row_id=F("pk"),
            rank=rank,
            date=F("published_at"),
            row_title=F("title"),
        )
        .values_list("row_kind", "row_id", "rank", "date", "row_title")
    )


FACET_COLUMNS = ("programme_id", *VOCABULARIES)


def _facets(matched, programmes):
    """Counts per facet value over what matches: one query, one pass over the matches, per model."""
    facets = {"type": {}, "total": 0, "tags": [], "programme": {p.slug: 0 for p in programmes}}
    for name, vocabulary in VOCABULARIES.items():
        facets[name] = dict.fromkeys(vocabulary.values, 0)
    slugs = {programme.pk: programme.slug for programme in programmes}
    tags = Counter()
    models = searched_models()
    for kind, queryset in matched.items():
        inner, params = queryset.order_by().values("pk", *FACET_COLUMNS).query.sql_with_params()
        columns = [connection.ops.quote_name(column) for column in ("id", *FACET_COLUMNS)]
        through = models[kind]._meta.get_field("tags").through
        tagged_table, tag_table = (
            connection.ops.quote_name(model._meta.db_table) for model in (through, through.tag_model())
        )
        # One grouping over all facet columns at once (a few hundred groups at
        # most); each facet's counts are its sums, added up below.
        grouped = ", ".join(columns[1:])
        sql = (
            f"WITH matched ({', '.join(columns)}) AS MATERIALIZED ({inner}) "  # noqa: S608 - constants
            f"SELECT {grouped}, NULL, count(*) FROM matched GROUP BY {grouped} UNION ALL "
            f"SELECT {', '.join(['NULL'] * len(FACET_COLUMNS))}, tag.name, tagged.n FROM ("
            "SELECT item.tag_id, count(*) AS n FROM matched"
            f" JOIN {tagged_table} AS item ON item.object_id = matched.id AND item.content_type_id = %s"
            " GROUP BY item.tag_id"
            f") AS tagged JOIN {tag_table} AS tag ON tag.id = tagged.tag_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, ContentType.objects.get_for_model(models[kind]).pk])
            rows = cursor.fetchall()
        facets["type"][kind] = 0
        for *values, tag, count in rows:
            if tag is not None:
                tags[tag] += count
                continue
            facets["type"][kind] += count
            facets["total"] += count
            programme_id, *vocabulary_values = values
            facets["programme"][slugs[programme_id]] += count
            for name, value in zip(VOCABULARIES, vocabulary_values, strict=True):
                facets[name][value] += count
    facets["tags"] = sorted(tags.items(), key=lambda pair: (-pair[1], pair[0]))[:TAG_FACET_SIZE]
    return facets


HIT_FIELDS = ("title", "slug", "summary", "visibility", *VOCABULARIES, "programme__name", "programme__slug")


def _load_hits(rows, tsquery):
    models = searched_models()
    ids = {kind: [row[1] for row in rows if row[0] == kind] for kind in models}
    loaded = {}
    for kind, pks in ids.items():
        if not pks:
            continue
        # Only what a result shows: the body and its HTML stay in the database.
        queryset = models[kind].objects.filter(pk__in=pks).select_related("programme").only(*HIT_FIELDS)
        if tsquery is not None:
            queryset = queryset.annotate(
                headline=SearchHeadline(
                    Concat("summary", Value(" "), "body_text", output_field=TextField()),
                    tsquery,
                    config=SEARCH_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
        for item in queryset:
            loaded[(kind, item.pk)] = item
    hits = []
    for kind, pk, *_rest in rows:
        item = loaded.get((kind, pk))
        if item is not None:
            hits.append(Hit(item=item, snippet=_snippet(item)))
    return hits


def _snippet(item):
    text = getattr(item, "headline", None) or item.summary
    return mark_safe(  # noqa: S308 - the text is escaped first; only our markers become tags
        escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )


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
