"""What can be followed, as a canonical query string: a programme, a tag, a cell of the learning
matrix (order x level or stream x mode) or a search with its filters.

`topic` turns what a "Volgen" button posts into a `Topic`, or refuses it with a
Dutch message; the same query string, stored as the follow's key, is read back
by the digest to find what is new for it, with the site's own filters.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from dealkennis.classification import VOCABULARIES
from dealkennis.filters import FILTER_NAMES, ItemFilters
from dealkennis.search.query import clean_query
from follows.models import Kind

# The kinds of item a saved search may be narrowed to (the search page's `type`).
ITEM_KINDS = ("card", "lesson")
CELL_AXES = (("order", "level"), ("stream", "mode"))
# Longer keys would not fit the unique index on (user, kind, key); a query is at most 200
# characters, but a tag and a query in another script can take more once percent-encoded.
MAX_KEY_LENGTH = 1000


class Refused(ValueError):
    """A topic that cannot be followed; the message is for the reader."""


@dataclass(frozen=True)
class Topic:
    kind: str
    key: str
    filters: ItemFilters
    query: str = ""
    item_kind: str = ""

    def label(self):
        active = self.filters.active
        if self.kind == Kind.PROGRAMME:
            programme = self.filters.programme
            return _("Programma %(name)s") % {"name": programme.name if programme else active["programme"]}
        if self.kind == Kind.TAG:
            return _("Tag “%(tag)s”") % {"tag": active["tag"]}
        if self.kind == Kind.CELL:
            return " × ".join(_value_label(name, active[name]) for name in active)
        parts = [f"“{self.query}”"] if self.query else []
        if self.item_kind:
            parts.append(_("alleen kaarten") if self.item_kind == "card" else _("alleen lessen"))
        parts += [_value_label(name, value) for name, value in active.items()]
        return _("Zoekopdracht %(what)s") % {"what": ", ".join(parts)}

    def path(self):
        """Where the topic's items are on the site (relative; mails add the site's address)."""
        if self.kind == Kind.PROGRAMME:
            return reverse("programme-detail", args=[self.filters.active["programme"]])
        return f"{reverse('search')}?{self.key}"


def _value_label(name, value):
    if name == "programme":
        return value
    if name == "tag":
        return _("tag “%(tag)s”") % {"tag": value}
    return str(VOCABULARIES[name](value).label)


def topic(kind, params, programmes):
    """The topic `params` (a QueryDict or dict) names for `kind`; `Refused` when it names none."""
    params = params if isinstance(params, QueryDict) else _query_dict(params)
    if kind == Kind.PROGRAMME:
        return _filtered(kind, params, ("programme",), programmes, _("Dit programma bestaat niet."))
    if kind == Kind.TAG:
        return _filtered(kind, params, ("tag",), programmes, _("Geef een tag op om te volgen."))
    if kind == Kind.CELL:
        for axes in CELL_AXES:
            if any(params.get(name) for name in axes):
                return _filtered(kind, params, axes, programmes, _("Dit vak van de leermatrix bestaat niet."))
        raise Refused(_("Dit vak van de leermatrix bestaat niet."))
    if kind == Kind.SEARCH:
        return _search(params, programmes)
    raise Refused(_("Dit kun je niet volgen."))


def topic_of(follow, programmes):
    """The stored follow's topic; None when it no longer names anything (say, a removed programme)."""
    try:
        return topic(follow.kind, QueryDict(follow.key), programmes)
    except Refused:
        return None


def _query_dict(values):
    query = QueryDict(mutable=True)
    for name, value in values.items():
        query[name] = value
    return query


def _filtered(kind, params, names, programmes, refusal):
    filters = ItemFilters(_only(params, names), programmes)
    if set(filters.active) != set(names):
        raise Refused(refusal)
    return Topic(kind=kind, key=urlencode([(name, filters.active[name]) for name in names]), filters=filters)


def _only(params, names):
    return {name: params.get(name, "").strip() for name in names}


def _search(params, programmes):
    query, _notices = clean_query(params.get("q", ""))
    item_kind = params.get("type", "")
    if item_kind not in ITEM_KINDS:
        item_kind = ""
    filters = ItemFilters(_only(params, FILTER_NAMES), programmes)
    if not (query or item_kind or filters.active):
        raise Refused(_("Zoek eerst iets: een lege zoekopdracht kun je niet volgen."))
    pairs = [("q", query)] if query else []
    pairs += [("type", item_kind)] if item_kind else []
    pairs += [(name, filters.active[name]) for name in FILTER_NAMES if name in filters.active]
    key = urlencode(pairs)
    if len(key) > MAX_KEY_LENGTH:
        raise Refused(_("Deze zoekopdracht is te lang om te volgen. Maak hem korter."))
    return Topic(kind=Kind.SEARCH, key=key, filters=filters, query=query, item_kind=item_kind)
