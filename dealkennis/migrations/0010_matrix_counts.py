import django.db.models.deletion
from django.db import migrations, models

# The knowledge item tables (`dealkennis.models.knowledge_models()`), named
# here as in 0009: a migration must not change when the code does. A test
# holds every current knowledge model to having the triggers.
TABLES = ("cards_card", "lessons_lesson")
FUNCTION = "dealkennis_matrixcount_apply"
COLUMNS = 'status, visibility, programme_id, "order", level, stream, mode'

# One grouped upsert per statement, however many rows it wrote (a COPY of
# 5,000, an `update()` of all): the transition tables hold the rows before
# and after.
UPSERT = f"""
        INSERT INTO dealkennis_matrixcount AS counts (item_table, {COLUMNS}, n)
        SELECT TG_TABLE_NAME, {COLUMNS}, sum(delta) FROM ({{changes}}) AS changes
        GROUP BY {COLUMNS}
        HAVING sum(delta) <> 0
        ORDER BY {COLUMNS}
        ON CONFLICT ON CONSTRAINT dealkennis_matrixcount_pkey DO UPDATE SET n = counts.n + EXCLUDED.n;"""
ADDED = f"SELECT {COLUMNS}, 1 AS delta FROM new_rows"
REMOVED = f"SELECT {COLUMNS}, -1 AS delta FROM old_rows"

# Counts rows stay locked until the writer commits. A transaction that saves
# several items (an import, a history restore) takes them one statement at a
# time, and every ORM write also bumps the one content version row
# (`caching.ContentVersion`) in its transaction: had one writer a count and
# wanted the version while another had the version and wanted that count,
# they would deadlock. So a statement that changes counts locks the version
# row first, as a bump does; within the statement the counts go in key order.
# A statement that changes no count (an edit of the text, the embedding
# written after a save) takes neither lock.
LOCK_VERSION = "PERFORM FROM dealkennis_contentversion WHERE id = 1 FOR NO KEY UPDATE;"
KEYS = f"SELECT {COLUMNS} FROM"

# A trigger sees only the transition tables its event declares, so each
# event has its branch.
CREATE_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM dealkennis_matrixcount WHERE item_table = TG_TABLE_NAME;
    ELSIF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT FROM new_rows) THEN
            {LOCK_VERSION}{UPSERT.format(changes=ADDED)}
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT FROM old_rows) THEN
            {LOCK_VERSION}{UPSERT.format(changes=REMOVED)}
        END IF;
    -- An UPDATE changes counts when its rows' keys after are not those before.
    ELSIF EXISTS ({KEYS} new_rows EXCEPT ALL {KEYS} old_rows) THEN
        {LOCK_VERSION}{UPSERT.format(changes=f"{ADDED} UNION ALL {REMOVED}")}
    END IF;
    RETURN NULL;
END
$$
"""


def create_triggers(table):
    return f"""
CREATE TRIGGER {table}_counts_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {table}_counts_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {table}_counts_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {table}_counts_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
"""


def drop_triggers(table):
    return "".join(
        f"DROP TRIGGER IF EXISTS {table}_counts_{event} ON {table};"
        for event in ("insert", "update", "delete", "truncate")
    )


# After the triggers: creating them locks each table against writes until
# this migration commits, so no write falls between the count and the triggers.
def fill(table):
    return (
        f"INSERT INTO dealkennis_matrixcount (item_table, {COLUMNS}, n)"
        f" SELECT '{table}', {COLUMNS}, count(*) FROM {table} GROUP BY {COLUMNS}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0009_newest_published_index"),
        ("cards", "0005_embedding"),
        ("lessons", "0006_followups"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatrixCount",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "status",
                        "visibility",
                        "programme",
                        "item_table",
                        "order",
                        "level",
                        "stream",
                        "mode",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("item_table", models.CharField(max_length=63)),
                ("status", models.CharField(max_length=20)),
                ("visibility", models.CharField(max_length=20)),
                ("order", models.CharField(max_length=10)),
                ("level", models.CharField(max_length=20)),
                ("stream", models.CharField(max_length=20)),
                ("mode", models.CharField(max_length=20)),
                ("n", models.IntegerField()),
                (
                    "programme",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="dealkennis.programme",
                    ),
                ),
            ],
        ),
        # Every write that changes a count updates its row: with room left on
        # each page the new version stays on it (a HOT update, no index entry),
        # and the table, a few thousand rows, does not bloat under bulk loads.
        migrations.RunSQL(
            "ALTER TABLE dealkennis_matrixcount SET (fillfactor = 50)",
            "ALTER TABLE dealkennis_matrixcount RESET (fillfactor)",
        ),
        migrations.RunSQL(CREATE_FUNCTION, f"DROP FUNCTION IF EXISTS {FUNCTION}()"),
        *(migrations.RunSQL(create_triggers(table), drop_triggers(table)) for table in TABLES),
        *(migrations.RunSQL(fill(table), migrations.RunSQL.noop) for table in TABLES),
    ]
