"""Who sees what: the one rule, for every model whose rows have an item's `status` and `visibility`.

The knowledge items' QuerySet (`dealkennis.models.KnowledgeItemQuerySet`) and
the counts the database keeps of them (`dealkennis.matrixcounts.MatrixCount`)
both filter by it, so a count never says more than a list shows.
"""

from django.db import models

from dealkennis.classification import Status, Visibility


class VisibleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """What a reader of the site may see; the admin has its own, wider view.

        Readers fall into two audiences with the same view (see `caching.audience`).
        """
        published = self.published()
        if user is not None and user.is_authenticated:
            return published
        return published.filter(visibility=Visibility.PUBLIC)
