"""How many knowledge items share a programme, status, visibility and classification.

The learning matrix (`dealkennis.web.matrix`) reads its heatmaps from here: a
GROUP BY over every item took some 50 ms at 100,000 items, a sum over these
few thousand rows takes one. The database keeps the counts itself, with
statement triggers on each knowledge item table (migration 0010), so every
write counts whatever wrote it: forms, bulk actions, imports, history
restores, `QuerySet.update()`, COPY, raw SQL and TRUNCATE. Nothing in Python
writes here.

`status` and `visibility` are named as on the items, so the readers' rule
(`visible_to`, in `dealkennis.visibility`) filters these rows as it filters
the items. A count that falls to 0 keeps its row; sums never notice it.
"""

from django.db import models

from dealkennis.visibility import VisibleQuerySet

# Everything counted apart, in the order of the table's primary key: the
# readers' rule and the programme first, the columns every read filters by.
KEY = ("status", "visibility", "programme", "item_table", "order", "level", "stream", "mode")


class MatrixCount(models.Model):
    pk = models.CompositePrimaryKey(*KEY)
    # The item table counted (cards_card, lessons_lesson), as the trigger knows it.
    item_table = models.CharField(max_length=63)
    # No database constraint: a programme may go once its items are gone,
    # leaving rows that count 0. The primary key indexes it already.
    programme = models.ForeignKey(
        "dealkennis.Programme",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    status = models.CharField(max_length=20)
    visibility = models.CharField(max_length=20)
    order = models.CharField(max_length=10)
    level = models.CharField(max_length=20)
    stream = models.CharField(max_length=20)
    mode = models.CharField(max_length=20)
    n = models.IntegerField()

    objects = VisibleQuerySet.as_manager()

    def __str__(self):
        return f"{self.item_table} {self.programme_id} {self.status} {self.visibility}: {self.n}"
