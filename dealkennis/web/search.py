"""The search page's links: the facets beside the results, each with a link that toggles it.

The data comes from `dealkennis.search.engine`; what makes it a page (querystrings,
context) is this module's.
"""

from dealkennis.search import engine


def _toggle_url(params, name, value, active):
    query = params.copy()
    query.pop("page", None)
    if active:
        query.pop(name, None)
    else:
        query[name] = value
    return f"?{query.urlencode()}"


def facet_groups(outcome, params, programmes):
    """The facet lists beside the results: value, count and a link that toggles it."""
    groups = engine.facet_groups(outcome, programmes)
    for group in groups:
        for option in group["options"]:
            option["url"] = _toggle_url(params, group["name"], option["value"], option["active"])
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
