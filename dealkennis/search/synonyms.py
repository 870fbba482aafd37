"""Synonyms coordinators keep in the admin: the model, its checks, and the table search expands queries with.

A group lists terms of one meaning ("subsidie, uitkering, financiering"); a word
or phrase of a query that equals one of them, folded as `fold` folds, also finds
the others (`dealkennis.search.query.with_synonyms`). `dealkennis.models`
imports this module so that Django registers the model with the app.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dealkennis.caching import ContentVersion, per_request
from dealkennis.search.text import SEARCH_CONFIG, fold

SEPARATOR = ","
MIN_TERMS = 2
MAX_TERMS = 20
MAX_TERM_LENGTH = 100
MAX_TERM_WORDS = 8
MAX_GROUPS = 500
MAX_LENGTH = 2000
# Besides letters, digits and spaces, what names and abbreviations use: "I&W", "duo's", "co-creatie".
TERM_PUNCTUATION = "-'.&/"
CACHE_KEY = "synonym-table"


def term_words(text):
    """The words of a term, or of words typed in a query, as they are compared: folded, no punctuation."""
    return tuple(re.findall(r"[^\W_]+", fold(text)))


def split_terms(text):
    """The terms of a group as written, separated by commas, with their spaces tidied (empty ones kept)."""
    return [" ".join(term.split()) for term in text.split(SEPARATOR)]


class SynonymGroup(models.Model):
    """Terms that mean the same to a reader, such as a ministry's abbreviation and its full name."""

    terms = models.CharField(
        _lazy("termen"),
        max_length=MAX_LENGTH,
        help_text=_lazy(
            "Woorden of woordgroepen met dezelfde betekenis, gescheiden door komma's, bijvoorbeeld: "
            "BZK, Binnenlandse Zaken. Wie op één ervan zoekt, vindt ook de andere. Hoofdletters en "
            "accenten tellen niet mee; tussen aanhalingstekens wordt niet uitgebreid."
        ),
    )
    updated_at = models.DateTimeField(_lazy("gewijzigd op"), auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _lazy("synoniemgroep")
        verbose_name_plural = _lazy("synoniemen")

    def __str__(self):
        return self.terms

    def save(self, *args, **kwargs):
        self.terms = ", ".join(self.term_list)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.terms:
            return  # the field's own check says so (a form leaves out a value it refused)
        terms = split_terms(self.terms)
        errors = _term_errors(terms)
        if not errors:
            errors = self._errors_against_others(terms) + _common_word_errors(terms)
        if not errors and self._state.adding and SynonymGroup.objects.count() >= MAX_GROUPS:
            errors.append(
                _(
                    "Er zijn al %(max)s synoniemgroepen, meer kunnen er niet bij. Vul een bestaande "
                    "groep aan of haal een groep weg."
                )
                % {"max": MAX_GROUPS}
            )
        if errors:
            raise ValidationError({"terms": errors})
        self.terms = ", ".join(terms)

    @property
    def term_list(self):
        return [term for term in split_terms(self.terms) if term]

    def _errors_against_others(self, terms):
        """A term that another group holds too: which group it would expand to would be a guess."""
        others = {}
        for group in SynonymGroup.objects.exclude(pk=self.pk).only("terms"):
            for term in group.term_list:
                others.setdefault(term_words(term), group)
        return [
            _("“%(term)s” staat al in een andere groep: “%(group)s”. Een term hoort in één groep.")
            % {"term": term, "group": others[term_words(term)]}
            for term in terms
            if term_words(term) in others
        ]


def _term_errors(terms):
    """What is wrong with the terms themselves, in Dutch, without asking the database."""
    if any(not term for term in terms):
        return [_("Er staat een lege term tussen de komma's. Haal de overbodige komma weg.")]
    if len(terms) < MIN_TERMS:
        return [_("Geef minstens twee termen met dezelfde betekenis, gescheiden door een komma.")]
    if len(terms) > MAX_TERMS:
        return [
            _("Een groep heeft hoogstens %(max)s termen; deze heeft er %(count)s.")
            % {"max": MAX_TERMS, "count": len(terms)}
        ]
    errors, seen = [], set()
    for term in terms:
        strange = [char for char in term if not _term_character(char)]
        if len(term) > MAX_TERM_LENGTH:
            errors.append(
                _("“%(term)s…” is te lang: een term heeft hoogstens %(max)s tekens.")
                % {"term": term[:30], "max": MAX_TERM_LENGTH}
            )
        elif strange:
            errors.append(
                _(
                    "“%(term)s” bevat een teken dat niet in een zoekterm hoort: “%(char)s”. Gebruik "
                    "letters, cijfers, spaties en - ' . & /"
                )
                % {"term": term, "char": strange[0]}
            )
        elif not term_words(term):
            errors.append(_("“%(term)s” bevat geen letters of cijfers.") % {"term": term})
        elif len(term_words(term)) > MAX_TERM_WORDS:
            errors.append(
                _("“%(term)s” heeft te veel woorden: een term heeft er hoogstens %(max)s.")
                % {"term": term, "max": MAX_TERM_WORDS}
            )
        elif term_words(term) in seen:
            errors.append(
                _("“%(term)s” staat twee keer in deze groep (hoofdletters en accenten tellen niet mee).")
                % {"term": term}
            )
        seen.add(term_words(term))
    return errors


def _term_character(char):
    return unicodedata.category(char)[0] in "LMN" or char == " " or char in TERM_PUNCTUATION


def _common_word_errors(terms):
    """Terms searched for as one word or none: PostgreSQL leaves out very common words (its stop words).

    "leren door doen" would be searched for as "leren" alone, which widens
    every query for "ervaringsleren" to half the items.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term, numnode(plainto_tsquery(%s::regconfig, term)),"
            " numnode(plainto_tsquery('simple', term))"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS given (term, position) ORDER BY position",
            [SEARCH_CONFIG, terms],
        )
        counted = cursor.fetchall()
    errors = []
    for term, searched, written in counted:
        if not searched:
            message = _(
                "“%(term)s” bestaat alleen uit heel gewone woorden (zoals “de” of “het”), "
                "waarop niet gezocht wordt."
            )
        elif searched == 1 and written > 1:
            message = _(
                "Van “%(term)s” telt maar één woord mee: de andere zijn heel gewone woorden (zoals “de” of "
                "“door”), waarop niet gezocht wordt. Schrijf alleen dat woord of kies een andere term."
            )
        else:
            continue
        errors.append(message % {"term": term})
    return errors


@dataclass
class SynonymTable:
    """The groups as search reads them: each term's words, and which group holds a term."""

    version: int
    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    lookup: dict[tuple[str, ...], int] = field(default_factory=dict)
    longest: int = 0


def synonym_table() -> SynonymTable:
    """The synonyms, read again when the content version changed.

    Saving a group bumps the content version, which keys every cached search
    result too, so no result found with old synonyms is served after a change.
    Within a request the version is read once (`ContentVersion.current`), so
    this costs no query of its own there, and the table is taken from the
    cache once: a search builds several queries from it.
    """
    return per_request("synonyms", _synonym_table)


def _synonym_table():
    cache = caches["default"]
    table = cache.get(CACHE_KEY)
    version = ContentVersion.current()
    if table is None or table.version != version:
        table = SynonymTable(version=version)
        for group in SynonymGroup.objects.only("terms"):
            words = [term_words(term) for term in group.term_list]
            table.groups.append(words)
            for term in words:
                table.lookup.setdefault(term, len(table.groups) - 1)
                table.longest = max(table.longest, len(term))
        cache.set(CACHE_KEY, table, None)
    return table


@receiver(post_save, sender=SynonymGroup, dispatch_uid="synonyms-saved")
@receiver(post_delete, sender=SynonymGroup, dispatch_uid="synonyms-deleted")
def synonyms_changed(**kwargs):
    # Cached results were found with the old synonyms: a new version leaves them behind.
    ContentVersion.bump()
    caches["default"].delete(CACHE_KEY)
