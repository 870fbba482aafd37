"""Search over cards and lessons together: matching, ranking, facets, hits and the typo fallback.

Matching and ranking happen in PostgreSQL on the stored, generated search
vectors (GIN-indexed); headlines are computed only for the page shown. It
returns data and renders nothing: links and pages are `dealkennis.web.search`'s.
The knowledge models come from the app registry (`knowledge_models`), so this
core module imports no app.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dealkennis.caching import ContentVersion, audience
from dealkennis.db import aside
from dealkennis.filters import ItemFilters, echoed
from dealkennis.models import knowledge_models
from dealkennis.search import embedding, estimate, hybrid, ranking, suggestions, window, wordvectors
from dealkennis.search.facets import (  # noqa: F401 - facet_groups is part of the engine's API
    TAG_FACET_SIZE,
    added,
    count_facets,
    count_items,
    facet_groups,
)
from dealkennis.search.forms import SearchForm, SearchRequest
from dealkennis.search.hits import Hit, load_hits  # noqa: F401 - Hit is part of the engine's API
from dealkennis.search.query import (
    OPERATORS,
    PrefixSearchQuery,
    local_settings,
    query_words,
    without_question_words,
)
from dealkennis.search.text import SEARCH_CONFIG

# Below this many full-text hits the typo fallback is consulted for a suggestion.
FEW_RESULTS = 3
# Rows of the ordered result kept in the cache: the first ten pages.
CACHED_ROWS = 200


def searched_models():
    """The kinds of item searched, by name ("card", "lesson"), in the installed order."""
    return {model._meta.model_name: model for model in knowledge_models()}


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
    # How many of `total` were found by meaning alone ("beste treffers").
    by_meaning: int = 0
    # `total` and the facet counts are estimated from a sample (`estimate`).
    estimated: bool = False

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
    outcome.by_meaning = len(found["meaning"])
    outcome.estimated = found.get("estimated", False)
    outcome.notices.extend(found["notices"])

    paginator = Paginator(range(outcome.total), settings.PAGE_SIZE)
    outcome.page = paginator.get_page(request.page)
    if request.page and request.page != str(outcome.page.number):
        outcome.notices.append(
            _("De pagina “%(value)s” bestaat niet; pagina %(number)s wordt getoond.")
            % {"value": echoed(request.page, 20), "number": outcome.page.number}
        )
    start, end = outcome.page.start_index() - 1, outcome.page.end_index()
    if end <= len(found["rows"]) or len(found["rows"]) >= outcome.total:
        rows = found["rows"][start:end]
    else:
        # Deep pages are rare: find again, without caching, far enough down.
        rows = _find(user, query, filters, kind, sort, programmes, row_limit=end)["rows"][start:end]
    outcome.page.object_list = rows
    highlight = PrefixSearchQuery(found["highlight"], any_word=outcome.widened) if query else None
    outcome.hits = load_hits(searched_models(), rows, highlight, {tuple(row) for row in found["meaning"]})
    return outcome


def parse(params, programmes) -> SearchRequest:
    """The search a query string asks for, with a notice for each value that was ignored."""
    return SearchForm(params, programmes, kinds=searched_models()).search_request()


def _find(user, query, filters, kind, sort, programmes, row_limit=None):
    """The expensive part of a search: what matches, its facets, and the first pages in order."""
    by_meaning = hybrid.wanted(query)
    # Started before the settings below open a transaction on this connection:
    # inside any transaction, `aside` keeps the work in this thread, as it
    # cannot tell one that only holds settings from one that wrote rows.
    meaning_ahead = _meaning_ahead(user, query) if by_meaning else None
    with _search_settings(query, by_meaning):
        return _found(user, query, filters, kind, sort, programmes, row_limit, meaning_ahead)


def _found(user, query, filters, kind, sort, programmes, row_limit, meaning_ahead):
    by_meaning = meaning_ahead is not None
    models = searched_models()
    chosen = {kind: models[kind]} if kind else models
    base = {name: filters.apply(model.objects.visible_to(user)) for name, model in chosen.items()}
    terms = without_question_words(query)
    words = query_words(terms)
    tsquery = PrefixSearchQuery(terms) if query else None
    found = {
        "suggestion": "",
        "fuzzy": False,
        "widened": False,
        "notices": [],
        "highlight": terms,
        "meaning": [],
    }

    matched = base if tsquery is None else _matching(base, tsquery)
    filtered = bool(filters.active or kind)
    limit = row_limit or CACHED_ROWS
    # The facets' statement also finds the newest matches, which are all that is ranked.
    newest = ranking.RANK_LIMIT if limit <= ranking.RANK_LIMIT else None
    # Read before the items found by meaning, whose query may still be
    # embedding: the sample of a search with very many matches (`estimate`),
    # or else the word matches' facets; the few items found by meaning alone
    # are added after.
    sample = tsquery is not None and row_limit is None
    narrowed = bool(filters.active)
    args = (base, matched, tsquery, terms, programmes, newest, narrowed)
    sampled, counted = _counts_ahead(*args, sample=sample, by_meaning=by_meaning)
    # One word found nowhere, most likely a typo: its correction is found and
    # counted while the query embeds (the typo's meaning still counts).
    early = counted is not None and not counted["total"] and len(words) == 1 and row_limit is None
    correction = (
        _correction(user, base, terms, words, 0, programmes, newest, narrowed, count=True) if early else None
    )
    meaning, held = _meaning(meaning_ahead, base, filtered) if by_meaning else ({}, {})
    if sampled is not None:
        args = (found, base, tsquery, terms, meaning, programmes, query, sort, CACHED_ROWS)
        return estimate.estimated(*args, held=held, sampled=sampled)
    if not any(meaning.values()):
        meaning = {}
    if correction:
        # The words found nothing: the correction's counts replace these below.
        facets, word_total = counted, 0
    else:
        facets, word_total = _facets(matched, base, meaning, programmes, tsquery, newest, counted)
    rank_query, held_words = tsquery, None
    # Too few items hold every word: widen to items holding any of them, ranked
    # so that those matching more (and all) words come first. Where search by
    # meaning added its best hits, those stand in for this.
    few = tsquery is not None and word_total < FEW_RESULTS
    if few and not meaning and len(words) > 1 and not OPERATORS.search(f" {terms} "):
        any_word = PrefixSearchQuery(terms, any_word=True)
        widened = _matching(base, any_word)
        widened_facets = count_facets(widened, programmes, newest=newest)
        if widened_facets["total"] > word_total:
            matched, facets, found["widened"] = widened, widened_facets, True
            rank_query, held_words, word_total = any_word, words, widened_facets["total"]
    if tsquery is not None and word_total < FEW_RESULTS and words:
        if not early:
            correction = _correction(user, base, terms, words, word_total, programmes, newest)
        if correction:
            found["suggestion"] = correction.text
            if not word_total:
                found["fuzzy"], found["highlight"], found["widened"] = True, correction.text, False
                if row_limit is None and correction.counted is None:
                    args = (base, correction.query, correction.text, meaning, programmes, query, sort)
                    estimated = estimate.estimated(found, *args, CACHED_ROWS, sampled=correction.sampled)
                    if estimated is not None:
                        return estimated
                matched, rank_query, held_words = correction.matched, correction.query, None
                args = (matched, base, meaning, programmes, correction.query, newest, correction.counted)
                facets, word_total = _facets(*args)

    if tsquery is not None and not word_total and not meaning and not _has_lexemes(query):
        # Lazy: what _find returns is cached for every language.
        found["notices"].append(
            _lazy(
                "Je zoekvraag bevat alleen heel gewone woorden (zoals “de” of “het”), waarop niet "
                "gezocht kan worden. Gebruik een inhoudelijk woord."
            )
        )
    ordered = ranking.ordered_rows(
        matched, rank_query, held_words, sort, word_total, limit, facets.get("newest")
    )
    word_rows = list(ordered[:limit])
    rows = [tuple(row[:2]) for row in word_rows]
    if meaning:
        # The facets tested the items found by meaning against the words.
        by_words = {(kind, pk) for kind, pk in facets["meaning_words"]}
        found["meaning"] = [
            [kind, pk] for kind, pks in meaning.items() for pk in pks if (kind, pk) not in by_words
        ]
        if sort == "relevance":
            rows = hybrid.fuse([(row[0], row[1], row[4]) for row in word_rows], meaning, query, held)
        else:
            joined = _joined(matched, base, meaning)
            ordered = ranking.ordered_rows(joined, rank_query, held_words, sort, facets["total"], limit)
            rows = [tuple(row[:2]) for row in ordered[:limit]]
    if facets.get("estimated"):
        found["estimated"] = True
        facets = estimate.rounded({**facets})
    found.update(facets=facets, total=facets["total"], rows=rows[:limit])
    return found


@dataclass
class _Correction:
    """The typo fallback's corrected query, and what it matches."""

    text: str
    query: PrefixSearchQuery
    matched: dict
    # Read ahead (`count`): its sample when it has very many matches, else its facets.
    sampled: estimate.Sample | None = None
    counted: dict | None = None


def _correction(user, base, terms, words, word_total, programmes, newest, narrowed=False, count=False):
    """The corrected query, offered only when it leads to more of what this reader may see; else None.

    With `count` (only for words that found nothing), its counts are read
    too, as `_found` reads the words' own: a sample for very many matches,
    else the facets of the word matches. Those counts tell whether it finds
    anything, so no statement of its own asks.
    """
    text = suggestions.corrected(audience(user), terms, words, tuned=True)
    if not text:
        return None
    query = PrefixSearchQuery(text)
    correction = _Correction(text, query, _matching(base, query))
    if not count:
        return correction if estimate.more_than(correction.matched, word_total) else None
    args = (base, correction.matched, query, text, programmes, newest, narrowed)
    correction.sampled, correction.counted = _counts_ahead(*args, sample=True, by_meaning=True)
    # A sample is only taken of very many matches.
    return correction if correction.sampled is not None or correction.counted["total"] else None


def _counts_ahead(base, matched, tsquery, terms, programmes, newest, narrowed, sample, by_meaning):
    """(sample, facets) read before the items found by meaning, each None when not read.

    With `sample`, a search with many matches and no filters counts them
    among the newest items (`window`); else one with very many takes a
    sample (`estimate.sample`). The word matches' facets, all tags kept, are
    read when counted in a window or when searching by meaning: the few items
    found by meaning alone are added later.
    """
    sampled = found_windows = counted = None
    if sample:
        expected = estimate.expectation(base, tsquery, terms)
        found_windows = window.windows(base, expected, narrowed)
        sampled = None if found_windows else estimate.sample(base, tsquery, expected)
    if found_windows:
        counted = window.counted(matched, found_windows, programmes, newest)
    elif by_meaning and sampled is None:
        counted = count_facets(matched, programmes, newest=newest, tag_limit=None)
    return sampled, counted


def _meaning_ahead(user, query):
    """The search by meaning, started: the items that join are read while the words' statements run.

    Chosen among all the reader may see, narrowed by the filters after
    (`_meaning`), so that a facet's count is what choosing it shows: the
    filtered result is the unfiltered one narrowed, by meaning too. The model
    embeds the query in a thread of its own; beside this thread (`aside`), the
    statement is compiled and run as soon as the vector is there. Where that
    cannot be, both wait until the result is asked for.
    """
    # Unless its vector is known already, the model works on the query
    # while the words' statements are prepared and run. A single word may
    # have a stored vector (`wordvectors`), which the thread beside reads
    # first, and embeds the word itself only when there is none.
    if not wordvectors.may_be_stored(query):
        embedding.embed_query_ahead(query)
    wanted = hybrid.meaning_query(query, query_words(without_question_words(query)))
    return aside.beside(lambda: hybrid.candidates(lambda: _visible(user), wanted), _settings(True))


def _visible(user):
    return {name: model.objects.visible_to(user) for name, model in searched_models().items()}


def _meaning(ahead, base, filtered):
    """The items that join by meaning, narrowed by the filters: ({kind: {pk: similarity}}, held)."""
    meaning, held = hybrid.chosen(*ahead.result())
    narrowed = {name: meaning.get(name, {}) for name in base}
    if not filtered:
        return narrowed, held
    for name, found in narrowed.items():
        if found:
            kept = set(base[name].filter(pk__in=list(found)).values_list("pk", flat=True))
            narrowed[name] = {pk: similarity for pk, similarity in found.items() if pk in kept}
    return narrowed, held


def _facets(matched, base, meaning, programmes, words, newest, counted=None):
    """The facets of what the words matched and what joined by meaning, and how many the words found.

    Counts, facets and pages describe exactly what is shown. Where the word
    matches were counted already (`counted`, while the query was embedded),
    the items found by meaning alone are counted apart and added; else both
    are counted in one pass.
    """
    if not meaning:
        facets = count_facets(matched, programmes, newest=newest) if counted is None else counted
        facets["tags"] = facets["tags"][:TAG_FACET_SIZE]
        return facets, facets["total"]
    if counted is None:
        joined = _joined(matched, base, meaning)
        facets = count_facets(joined, programmes, words=words, meaning=meaning, newest=newest)
        return facets, facets["words"]
    models = {kind: queryset.model for kind, queryset in base.items()}
    facets = added(counted, count_items(models, meaning, programmes, words))
    return facets, facets["words"]


def _joined(matched, base, meaning):
    """Per kind: what the words matched, and the items that joined by meaning."""
    return {
        kind: queryset | base[kind].filter(pk__in=list(meaning[kind])) for kind, queryset in matched.items()
    }


def _matching(base, tsquery):
    return {name: queryset.filter(search_vector=tsquery) for name, queryset in base.items()}


def _search_settings(query, by_meaning):
    """Match through the GIN index, never by reading every row's search vector; tune the HNSW scan.

    The planner does not count the cost of decompressing a stored (TOASTed)
    tsvector, so for a word in most items it picks a sequential scan that
    decompresses them all: ten times slower than the bitmap scan, which needs
    no recheck for a plain text query. The settings hold for the search's own
    queries only, not for the rest of a caller's transaction, and are set in
    one statement.
    """
    return local_settings(_settings(by_meaning)) if query else nullcontext()


def _settings(by_meaning):
    # Neither JIT compiling nor parallel workers pay off for statements of a
    # few milliseconds on a busy web server (and before PostgreSQL 17, a
    # disabled sequential scan's huge cost estimate triggers JIT).
    unhurried = {"jit": "off", "max_parallel_workers_per_gather": 0}
    # The typo fallback's threshold too: set here, it costs no statement of its own.
    tuned = {**unhurried, **suggestions.typo_settings(), **(hybrid.settings() if by_meaning else {})}
    return {"enable_seqscan": "off", **tuned}


def _has_lexemes(query):
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery(%s::regconfig, %s))", [SEARCH_CONFIG, query])
        return cursor.fetchone()[0] > 0
