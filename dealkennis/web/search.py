"""The search page's links: the facets beside the results, each with a link that toggles it.

The data comes from `dealkennis.search.engine`; what makes it a page (querystrings,
context) is this module's.
"""

from urllib.parse import urlencode

from dealkennis.search import engine


def _toggle_url(base, name, value, active):
    query = dict(base)
    if active:
        query.pop(name, None)
    else:
        query[name] = [value]
    return f"?{urlencode([(key, each) for key, values in query.items() for each in values])}"


def facet_groups(outcome, params, programmes):
    """The facet lists beside the results: value, count and a link that toggles it."""
    groups = engine.facet_groups(outcome, programmes)
    # The query string without its page, as a plain dict: a result page has
    # some forty of these links, and copying the QueryDict for each was not free.
    base = {key: values for key, values in params.lists() if key != "page"}
    for group in groups:
        for option in group["options"]:
            option["url"] = _toggle_url(base, group["name"], option["value"], option["active"])
    return groups


def results_context(outcome, params, programmes):
    """What the results template shows beside the outcome itself."""
    query = params.copy()
    query.pop("page", None)
    return {
        "outcome": outcome,
        "facet_groups": facet_groups(outcome, params, programmes),
        "query_without_page": query,
    }
