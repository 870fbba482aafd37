"""What a search request asks for: the query string's `q`, `type`, `sort`, `page` and filters, parsed.

Like the list filters (dealkennis/filters.py), a value that is not understood
never breaks the page: it is dropped and the reader is told. The engine gets
the typed result, a `SearchRequest`, and never reads a query string itself.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

from dealkennis.filters import ItemFilters, echoed
from dealkennis.search.query import clean_query

SORTS = ("relevance", "date")


@dataclass
class SearchRequest:
    query: str
    filters: ItemFilters
    kind: str = ""
    sort: str = "relevance"
    # As the reader gave it: the paginator makes a page number of anything.
    page: str = ""
    notices: list[str] = field(default_factory=list)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=False)
    type = forms.CharField(required=False)
    sort = forms.CharField(required=False)
    page = forms.CharField(required=False)

    def __init__(self, params, programmes, kinds):
        super().__init__({name: params.get(name, "") for name in self.base_fields})
        self.params, self.programmes, self.kinds = params, programmes, kinds
        self.notices = []
        # Each value is checked by its clean method below; CharField's own
        # refusal of NUL bytes would drop a query that clean_query reads fine.
        for form_field in self.fields.values():
            form_field.validators = []

    def clean_q(self):
        query, notices = clean_query(self.cleaned_data["q"])
        self.notices.extend(notices)
        return query

    def clean_type(self):
        kind = self.cleaned_data["type"]
        if kind and kind not in self.kinds:
            self.notices.append(
                _("Het type “%(value)s” bestaat niet en is genegeerd.") % {"value": echoed(kind, 50)}
            )
            return ""
        return kind

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        if sort and sort not in SORTS:
            self.notices.append(
                _("De sortering “%(value)s” bestaat niet; de resultaten staan op relevantie.")
                % {"value": echoed(sort, 50)}
            )
        return sort if sort in SORTS else "relevance"

    def search_request(self):
        """The typed request; every field is optional and no value is refused, so the form is always valid."""
        self.full_clean()
        data = self.cleaned_data
        return SearchRequest(
            query=data["q"],
            filters=ItemFilters(self.params, self.programmes),
            kind=data["type"],
            sort=data["sort"],
            page=data["page"],
            notices=self.notices,
        )
