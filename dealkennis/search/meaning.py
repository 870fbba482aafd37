"""Search by meaning in PostgreSQL: the stored vectors, whether this server can search them, nearest items.

An item's vector is a plain `real[]` column (`EmbeddingField`), so every
PostgreSQL has the column and the migrations run everywhere. Where the
`vector` extension (pgvector) is installed, an HNSW index over the expression
`embedding::vector(384)` finds the nearest items; elsewhere, or where the
model cannot run, `semantic_available` is False and search stays full text.
No pgvector Python package is needed: queries pass the vector as text.
"""

import warnings
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import DatabaseError, models, transaction
from django.db import connection as default_connection

from dealkennis.search.embedding import DIMENSIONS, model_available
from dealkennis.search.query import local_settings

VECTOR = f"vector({DIMENSIONS})"
# Candidates the HNSW index walks per query (pgvector's default is 40); the
# iterative scan of pgvector >= 0.8 walks on when a filter drops most of them.
EF_SEARCH = 100
MAX_SCAN_TUPLES = 20000


class RealField(models.FloatField):
    """A single-precision float: half the bytes of FloatField, and what pgvector stores."""

    def db_type(self, connection):
        return "real"


class EmbeddingField(ArrayField):
    """An item's vector as `real[]`; None until it is embedded."""

    def __init__(self, *args, **kwargs):
        kwargs["base_field"] = RealField()
        kwargs["size"] = DIMENSIONS
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("base_field")
        kwargs.pop("size")
        return name, path, args, kwargs


def _server_key(connection):
    settings = connection.settings_dict
    return (connection.alias, settings.get("HOST"), settings.get("PORT"), settings.get("NAME"))


# Per database (a test run switches to the test database): (installed, version).
_extension = {}


def vector_extension(connection=None):
    """(installed here, available on the server, installed version or "") of pgvector."""
    connection = connection or default_connection
    key = _server_key(connection)
    if key not in _extension:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector'),"
                " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')"
            )
            installed, available = cursor.fetchone()
        _extension[key] = (installed is not None, available, installed or "")
    return _extension[key]


def forget_extension_state():
    """Read the extension's state again next time (after installing it, and in tests)."""
    _extension.clear()


def semantic_available(connection=None) -> bool:
    """Whether search by meaning works here: pgvector installed in this database and the model runs.

    Cached per process and database, so a server that gets pgvector later
    needs a restart (after the migration or `manage.py embed_items` installed it).
    """
    return vector_extension(connection)[0] and model_available()


def vector_literal(vector) -> str:
    """pgvector's text form of a vector, passed as a parameter and cast with ::vector."""
    return "[" + ",".join(repr(float(value)) for value in vector) + "]"


class AsVector(models.Func):
    """`embedding::vector(384)`: exactly the expression the HNSW index is built on."""

    template = f"(%(expressions)s)::{VECTOR}"
    output_field = models.TextField()


class CosineDistance(models.Func):
    template = f"(%(expressions)s <=> %%s::{VECTOR})"
    output_field = models.FloatField()

    def __init__(self, expression, vector):
        super().__init__(AsVector(expression))
        # Already text when one vector is compared in several statements' parts.
        self.vector = vector if isinstance(vector, str) else vector_literal(vector)

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.vector)


def _iterative(version):
    major, minor = (int(part) for part in (version.split(".") + ["0"])[:2])
    return (major, minor) >= (0, 8)


def by_meaning(queryset, query_vector):
    """`queryset`'s items that have a vector, nearest first, with `meaning_distance` (cosine, 0 to 2)."""
    distance = CosineDistance("embedding", query_vector)
    return (
        queryset.filter(embedding__isnull=False)
        .annotate(meaning_distance=distance)
        .order_by("meaning_distance")
    )


def index_settings(limit, ef_search=EF_SEARCH):
    """The PostgreSQL settings an HNSW search for `limit` items runs with ({name: value})."""
    settings = {"hnsw.ef_search": max(ef_search, min(limit, 1000))}
    if _iterative(vector_extension()[2]):
        # pgvector >= 0.8: the scan keeps walking the graph while a restrictive
        # filter drops candidates, in relaxed order (sorted again below).
        settings.update({"hnsw.iterative_scan": "relaxed_order", "hnsw.max_scan_tuples": MAX_SCAN_TUPLES})
    return settings


@dataclass
class NearestStatement:
    """The statement of `nearest_statement`, compiled and waiting for its query vector (see `run`)."""

    keys: list
    sql: str
    params: list

    # A placeholder of its own (compared by identity) until the vector is known.
    PENDING = "[pending]"

    def run(self, query_vector, settings=None) -> dict:
        """{key: [(pk, cosine similarity, *extra)]}, nearest first.

        `settings`: what the statement runs with ({name: value}, see
        `index_settings`); None where the connection has them already.
        """
        if not self.keys or not self.sql:
            return {key: [] for key in self.keys}
        vector = vector_literal(query_vector)
        params = [vector if param is self.PENDING else param for param in self.params]
        with local_settings(settings or {}), default_connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        result = {key: [] for key in self.keys}
        for index, pk, distance, *rest in found:
            result[self.keys[index]].append((pk, 1.0 - distance, *rest))
        return {key: sorted(rows, key=lambda row: -row[1]) for key, rows in result.items()}


def nearest_statement(querysets, limit, *, extra=None) -> NearestStatement:
    """The statement that finds the `limit` items of each queryset nearest to a query vector, not yet run.

    With `extra`, an expression over the item, each row ends with its value.
    One statement for all querysets (a UNION ALL of one ordered scan each).
    Each queryset is already filtered (`visible_to` and any facets), so nothing
    outside it comes back; items without a vector are left out. Compiling
    apart from running lets the vector be embedded meanwhile, and the
    statement run in another thread (`dealkennis.db.aside`).
    """
    keys = list(querysets)
    if limit <= 0:
        return NearestStatement(keys, "", [])
    parts, params = [], []
    for index, key in enumerate(keys):
        rows, columns = by_meaning(querysets[key], NearestStatement.PENDING), ["pk", "meaning_distance"]
        if extra is not None:
            rows, columns = rows.annotate(meaning_extra=extra), [*columns, "meaning_extra"]
        rows = rows.values_list(*columns)[:limit]
        sql, part_params = rows.query.sql_with_params()
        parts.append(f"SELECT {index}, * FROM ({sql}) AS part{index}")  # noqa: S608 - ORM-built SQL
        params.extend(part_params)
    return NearestStatement(keys, " UNION ALL ".join(parts), params)


def nearest(queryset, query_vector, limit) -> list[tuple[int, float]]:
    """The `limit` items of `queryset` nearest in meaning to `query_vector`: [(pk, cosine similarity)].

    Only call it when `semantic_available()`.
    """
    statement = nearest_statement({None: queryset}, limit)
    return statement.run(query_vector, index_settings(limit) if limit > 0 else None)[None]


def vector_of(item):
    """The stored vector of an item (as a list of floats), or None: for items related by meaning."""
    return type(item)._default_manager.filter(pk=item.pk).values_list("embedding", flat=True).first()


def index_name(table):
    return f"{table}_embedding_hnsw"[:63]


# What the planner is told one cosine distance costs, in cpu_operator_cost units
# (pgvector declares 1, like integer addition). Reading a row's TOASTed vector
# and comparing 384 dimensions takes some ten microseconds: priced at 1, a kind
# of a few thousand visible items looked cheaper to scan and sort whole than to
# search through the HNSW index (measured at 10k items: 31 ms against 2 ms for
# the cards' nearest, and a card page of 80 ms instead of 47). A filter that
# leaves only a few hundred items still sorts those exactly.
DISTANCE_COST = 400


def set_distance_cost(connection, cost=DISTANCE_COST):
    """Declare `cost` for pgvector's cosine distance where the extension is installed; False if not done.

    Altering an extension's function needs its owner (the superuser that
    created it): for another user it is left as it is, with a warning.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')")
        if not cursor.fetchone()[0]:
            return False
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute(f"ALTER FUNCTION cosine_distance(vector, vector) COST {int(cost)}")
        except DatabaseError as error:
            warnings.warn(f"The vector distance's cost stays as pgvector set it: {error}", stacklevel=2)
            return False
    return True


def install_vector_search(connection, tables):
    """Create pgvector and an HNSW index per table where the server offers pgvector; True if done.

    Run by the migrations (with the tables' names) and by `manage.py embed_items`,
    for a database moved to a server that has pgvector since it was migrated.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        quote = connection.ops.quote_name
        for table in tables:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(index_name(table))} ON {quote(table)}"
                f" USING hnsw ((embedding::{VECTOR}) vector_cosine_ops)"
            )
    set_distance_cost(connection)
    forget_extension_state()
    return True
