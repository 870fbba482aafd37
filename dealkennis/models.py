"""The core's models: programmes, deals, what cards and lessons share (KnowledgeItem), and their registry."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

# Imported for Django to register the models they define with this app.
from dealkennis import caching, matrixcounts  # noqa: F401
from dealkennis.classification import (
    CLASSIFICATION_FIELDS,
    ORDER_QUESTIONS,
    VOCABULARIES,
    Level,
    Mode,
    Order,
    Status,
    Stream,
    Visibility,
)
from dealkennis.markdown import html_to_text, plain_text, render_markdown
from dealkennis.search import synonyms, wordvectors  # noqa: F401 - register SynonymGroup, WordVector
from dealkennis.search.meaning import EmbeddingField
from dealkennis.search.suggestions import VISIBILITIES, SearchWord, stored_vocabulary, vocabulary_of
from dealkennis.search.text import fold, text_size_errors
from dealkennis.tagging import ItemTagManager
from dealkennis.visibility import VisibleQuerySet
from dealkennis.workflow import publication_problems

ONLY_MARKUP = _("Hier staat alleen opmaak (zoals HTML-code) en geen tekst. Schrijf gewone tekst.")


def strip_markup(instance):
    """Remove markup from the instance's `plain_text_fields`, before it is saved."""
    for field in instance.plain_text_fields:
        setattr(instance, field, plain_text(getattr(instance, field)))


def only_markup_errors(instance):
    """The plain-text fields that would be left empty by stripping their markup."""
    return {
        field: ONLY_MARKUP
        for field in instance.plain_text_fields
        if (getattr(instance, field) or "").strip() and not plain_text(getattr(instance, field))
    }


class PlainTextFields:
    """For models whose `plain_text_fields` hold no markup: stripped when cleaned and saved."""

    plain_text_fields = ()

    def save(self, *args, **kwargs):
        strip_markup(self)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if errors := only_markup_errors(self):
            raise ValidationError(errors)
        # Before the uniqueness check, which must see a name as it will be stored.
        strip_markup(self)


class Programme(PlainTextFields, models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    ministries = models.CharField(_("ministeries"), max_length=200)
    description = models.TextField(_("korte beschrijving"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")

    plain_text_fields = ("name", "ministries", "description")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programme-detail", args=[self.slug])


class Deal(PlainTextFields, models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="deals", verbose_name=_("programma")
    )
    partners = models.TextField(_("partners"), blank=True)
    signed_on = models.DateField(_("ondertekend op"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    description = models.TextField(_("korte beschrijving"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(ended_on__gte=models.F("signed_on")),
                name="deal_ends_after_signing",
            )
        ]

    plain_text_fields = ("name", "partners", "description")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Reads the programme: callers that list deals select it with them.
        return reverse("deal-detail", args=[self.programme.slug, self.slug])


# Columns that exist only to be searched; pages never show them, and the
# search vector is large, so lists and detail pages leave them in the database.
SEARCH_ONLY_FIELDS = (
    "search_vector",
    "search_context",
    "search_tags",
    "fuzzy_text",
    "body_text",
    "embedding",
)


TAG_NAMES_SQL = (
    "SELECT tag.name FROM {links} AS link JOIN {tags} AS tag ON tag.id = link.tag_id"
    " WHERE link.content_type_id = %s AND link.object_id = %s ORDER BY link.id"
)


class KnowledgeItemQuerySet(VisibleQuerySet):
    """Items as readers see them (`published`, `visible_to`: the rule in `dealkennis.visibility`)."""

    def previewable_by(self, user):
        """Staff who may view items in the admin also preview unpublished ones on the site."""
        opts = self.model._meta
        if user is not None and user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self
        return self.visible_to(user)

    def without_search_fields(self):
        return self.defer(*SEARCH_ONLY_FIELDS)

    def for_listing(self):
        return self.select_related("programme", "deal").without_search_fields()


def _choice_constraint(field, choices):
    allowed = choices.values + [""] if field in CLASSIFICATION_FIELDS else choices.values
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": allowed}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )


class KnowledgeItem(models.Model):
    """What cards and lessons share: text, classification, workflow, search."""

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    summary = models.TextField(_("korte samenvatting"), max_length=600)
    body = models.TextField(_("tekst (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    # The body as plain text, for the search vector and for search snippets,
    # which must not show Markdown syntax or (escaped) HTML.
    body_text = models.TextField(editable=False, blank=True, default="")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("programma")
    )
    deal = models.ForeignKey(
        Deal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("deal"),
    )
    # Blank only while an item is not yet published (a shared lesson whose
    # contributor left the classification to the coordinator).
    stream = models.CharField(_("leerstroming"), max_length=20, choices=Stream.choices, blank=True)
    mode = models.CharField(_("leervorm"), max_length=20, choices=Mode.choices, blank=True)
    order = models.CharField(_("orde"), max_length=10, choices=Order.choices, blank=True)
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices, blank=True)
    tags = TaggableManager(_("tags"), blank=True, manager=ItemTagManager)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Internal unless a coordinator makes an item public on purpose.
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    source = models.CharField(_("bron"), max_length=300, help_text=_("Waar komt deze kennis vandaan?"))

    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    published_at = models.DateTimeField(_("gepubliceerd"), null=True, blank=True, editable=False)

    # Names of the programme, deal and tags, copied onto the row because a
    # generated search vector can only read columns of its own row.
    search_context = models.TextField(editable=False, blank=True, default="")
    search_tags = models.TextField(editable=False, blank=True, default="")
    # The ids of the item's tags, copied with their names: counting the tag
    # facet over thousands of matches reads them from the rows it reads
    # anyway, where looking up each match's links took a third of its time.
    tag_ids = ArrayField(models.IntegerField(), editable=False, blank=True, default=list)
    # Title, tags and summary folded to unaccented lowercase: with the body, the
    # source of the words that typo correction knows (SearchWord).
    fuzzy_text = models.TextField(editable=False, blank=True, default="")
    # What the item means, for search by meaning (`dealkennis.search.meaning`);
    # written after the save commits (`search.vectors`), so None for a moment.
    embedding = EmbeddingField()

    objects = KnowledgeItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-updated_at"]
        constraints = [
            _choice_constraint("stream", Stream),
            _choice_constraint("mode", Mode),
            _choice_constraint("order", Order),
            _choice_constraint("level", Level),
            _choice_constraint("status", Status),
            _choice_constraint("visibility", Visibility),
            models.CheckConstraint(
                condition=~models.Q(title=""), name="%(app_label)s_%(class)s_title_required"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.PUBLISHED)
                | ~models.Q(stream="", mode="", order="", level="", _connector=models.Q.OR),
                name="%(app_label)s_%(class)s_published_is_classified",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="%(app_label)s_%(class)s_search"),
            # Lists show the newest visible items first.
            models.Index(
                fields=["status", "visibility", "-published_at"], name="%(app_label)s_%(class)s_visible"
            ),
            # Beware of a narrower index on (status, visibility, ...), say for
            # the learning matrix: for a common word the planner then finds
            # the visible rows through it and tests the match on each,
            # decompressing every search vector ("deal" at 100k: 0.4 -> 1.2 s).
        ]

    # The field a reader knows the item by, wherever it is named: lists, search
    # results, related items, feeds, the admin (cards: their question). The
    # API's `title` stays the title field itself.
    name_field = "title"

    def __str__(self):
        return self.display_title

    # Plain-text fields: any markup in them is stripped on save.
    plain_text_fields = ("title", "summary", "source")

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        before = stored_vocabulary(type(self), [self.pk]) if self.pk else {}
        super().save(*args, **kwargs)
        SearchWord.replace(before, vocabulary_of([self]))

    def prepare_for_save(self):
        """Derive the stored copies (HTML, plain text, search text) from the fields.

        `save` calls it; a bulk import calls it for each item instead, then
        writes them all at once and adds their words to SearchWord itself.
        """
        strip_markup(self)
        if not self.slug:
            self.slug = self._unique_slug()
        self.body_html = render_markdown(self.body)
        self.body_text = html_to_text(self.body_html)
        self.render_extra_markdown()
        self.search_context = self.build_search_context()
        self.fuzzy_text = self.build_fuzzy_text()
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def clean(self):
        super().clean()
        if too_long := text_size_errors(self):
            raise ValidationError(too_long)
        if only_markup := only_markup_errors(self):
            raise ValidationError(only_markup)
        if self.status == Status.PUBLISHED and (missing := publication_problems(self)):
            raise ValidationError(missing)
        if self.deal_id and self.programme_id and self.deal.programme_id != self.programme_id:
            raise ValidationError(
                {"deal": _("Deze deal hoort bij een ander programma dan het gekozen programma.")}
            )

    @property
    def display_title(self):
        return getattr(self, self.name_field)

    @classmethod
    def tag_tables(cls, connection):
        """The kind's tag links and the tags, as quoted table names for statements written out."""
        through = cls._meta.get_field("tags").through
        return tuple(connection.ops.quote_name(t._meta.db_table) for t in (through, through.tag_model()))

    @property
    def tag_names(self):
        """The names of the item's tags in the order given, from where the item was read.

        Written out: through taggit's manager, compiling the query cost a card
        or lesson page a millisecond, three times what PostgreSQL took to answer.
        """
        db = connections[router.db_for_read(self._meta.get_field("tags").through, instance=self)]
        links, tags = self.tag_tables(db)
        kind = ContentType.objects.get_for_model(self).pk
        with db.cursor() as cursor:
            cursor.execute(TAG_NAMES_SQL.format(links=links, tags=tags), [kind, self.pk])
            return [name for (name,) in cursor.fetchall()]

    @property
    def kind(self):
        return self._meta.model_name

    @property
    def kind_label(self):
        return self._meta.verbose_name.capitalize()

    @property
    def labels(self):
        """The classification's labels by axis. Used on every result and list
        row: an enum lookup is much cheaper than get_FOO_display(), which
        rebuilds and hashes the whole choice list on each call."""
        return {
            name: vocabulary(getattr(self, name)).label if getattr(self, name) else ""
            for name, vocabulary in VOCABULARIES.items()
        }

    @property
    def order_question(self):
        """The key question of the order; "" while the order is not chosen (a shared lesson)."""
        return ORDER_QUESTIONS[Order(self.order)] if self.order else ""

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def is_internal(self):
        return self.visibility == Visibility.INTERNAL

    @property
    def is_visible_to_public(self):
        return self.is_published and self.visibility == Visibility.PUBLIC

    @property
    def audiences(self):
        """The audiences (see `caching.audience`) that may see this item: `visible_to` for one item."""
        if not self.is_published:
            return ()
        return tuple(audience for audience, seen in VISIBILITIES.items() if self.visibility in seen)

    def render_extra_markdown(self):
        """Subclasses render their other Markdown fields here."""

    def build_search_context(self):
        names = [self.programme.name if self.programme_id else ""]
        if self.deal_id:
            names.append(self.deal.name)
        return " ".join(filter(None, names))

    def build_fuzzy_text(self):
        return fold(f"{self.title} {self.search_tags} {self.summary}")

    def set_search_tags(self, tags):
        """Copy these tags (Tag objects, all of the item's) into the fields that search reads."""
        tags = list(tags)
        self.search_tags = " ".join(sorted(tag.name for tag in tags))
        self.tag_ids = sorted({tag.pk for tag in tags})
        self.fuzzy_text = self.build_fuzzy_text()

    @classmethod
    def refresh_search_tags(cls, pks):
        """Copy the current tags of these items (names and ids) into the fields search reads; return them."""
        items = list(cls.objects.filter(pk__in=pks).without_search_fields().prefetch_related("tags"))
        for item in items:
            item.set_search_tags(item.tags.all())
        before = stored_vocabulary(cls, pks)
        cls.objects.bulk_update(items, ["search_tags", "tag_ids", "fuzzy_text"], batch_size=500)
        SearchWord.replace(before, stored_vocabulary(cls, pks))
        return items

    def _unique_slug(self):
        base = slugify(self.title)[:180] or "item"
        slug, counter = base, 2
        while type(self).objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug = f"{base}-{counter}"
            counter += 1
        return slug


def knowledge_models():
    """The concrete kinds of knowledge item, in the installed order: cards, then lessons.

    The core finds them here rather than importing the apps that define them.
    """
    return tuple(model for model in apps.get_models() if issubclass(model, KnowledgeItem))
