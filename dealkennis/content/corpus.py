"""A generated corpus of cards and lessons for the benchmark (`manage.py generate_corpus`).

The text is Dutch made from the demo content: words are drawn with their demo
frequencies and often follow a word they followed in the demo, so common domain
words ("deal", "samenwerking") occur in most items and real phrases recur. Dutch
glues words together, and a real corpus keeps meeting words it has seen only a
few times; random compounds of demo words give the generated one that long tail,
so there are rare terms at every size.

Rows go in with COPY and with the columns that `KnowledgeItem.save()` would
derive computed here; the database fills the generated search vectors.
Vectors for search by meaning come from a pool (`corpus_vectors`).
"""

import html
import random
from collections import Counter, defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm

from cards.models import Card
from dealkennis import caching
from dealkennis import models as core_models
from dealkennis.classification import Level, Mode, Order, Status, Stream, Visibility
from dealkennis.content.corpus_vectors import VectorPool
from dealkennis.content.demo import read_demo
from dealkennis.content.sampler import Vocabulary, as_html, capitalised, paragraphs, prose, sentences
from dealkennis.matrixcounts import MatrixCount
from dealkennis.models import Deal, Programme
from dealkennis.search import wordvectors
from dealkennis.search.meaning import semantic_available
from dealkennis.search.text import fold
from lessons.models import Lesson, SourceKind

BATCH_SIZE = 5000
# The demo holds 22 cards and 32 lessons.
CARD_SHARE = 0.4
STATUS_WEIGHTS = {Status.PUBLISHED: 85, Status.DRAFT: 6, Status.REVIEW: 5, Status.ARCHIVED: 4}
PUBLIC_SHARE = 0.8


def source_label(seed: int) -> str:
    """The `source` of every generated item; the benchmark recognises its corpus by it."""
    return f"Gegenereerd benchmarkcorpus (seed {seed})"


def check_database(settings_dict: dict, allow_test_database: bool = False) -> str:
    """Refuse any database but a benchmark one: the corpus replaces all cards and lessons."""
    name = settings_dict["NAME"]
    if name.startswith("test_"):
        if not allow_test_database:
            raise CommandError(f"Refusing the test database {name!r} (pass --allow-test-database).")
        return name
    if "bench" not in name:
        raise CommandError(
            f"Refusing database {name!r}: this replaces all cards and lessons. "
            "Point DEALKENNIS_DB_NAME at a benchmark database, e.g. DEALKENNIS_DB_NAME=dealkennis_bench."
        )
    return name


class Generator:
    """Makes the column values of one card or lesson at a time."""

    def __init__(self, seed, programmes, deals, tags):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
        self.vocabulary = Vocabulary(seed)
        self.source = source_label(seed)
        self.programmes = programmes
        self.deals = deals
        self.tag_names = [tag.name for tag, _weight in tags]
        self.tag_ids = {tag.name: tag.pk for tag, _weight in tags}
        self.tag_weights = [weight for _tag, weight in tags]
        self.now = timezone.now()

    def common(self, number, kind):
        rng, vocabulary = self.rng, self.vocabulary
        programme = rng.choice(self.programmes)
        deals = self.deals.get(programme.pk, [])
        deal = rng.choice(deals) if deals and rng.random() < 0.6 else None
        title = capitalised(" ".join(vocabulary.draw(rng, rng.randint(4, 9))))
        body = paragraphs(vocabulary, rng, 80, 250)
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        created = self.now - timedelta(days=rng.uniform(0, 6 * 365))
        published = None
        if status in (Status.PUBLISHED, Status.ARCHIVED):
            published = created + timedelta(days=rng.uniform(0, 60))
        tags = sorted(set(rng.choices(self.tag_names, weights=self.tag_weights, k=rng.randint(1, 4))))
        values = {
            "title": title[:200],
            "slug": f"{slugify(title)[:150]}-{kind}{number}",
            "summary": prose(vocabulary, rng, 15, 30),
            "body": "\n\n".join(body),
            "body_html": as_html(body),
            "body_text": " ".join(body),
            "programme_id": programme.pk,
            "deal_id": deal.pk if deal else None,
            "stream": rng.choice(Stream.values),
            "mode": rng.choice(Mode.values),
            "order": rng.choice(Order.values),
            "level": rng.choice(Level.values),
            "status": status,
            "visibility": Visibility.PUBLIC if rng.random() < PUBLIC_SHARE else Visibility.INTERNAL,
            "source": self.source,
            "created_at": created,
            "updated_at": published or created,
            "published_at": published,
            "search_context": " ".join(filter(None, [programme.name, deal.name if deal else ""])),
            "search_tags": " ".join(tags),
            "tag_ids": sorted(self.tag_ids[name] for name in tags),
        }
        return values, values["tag_ids"]

    def lesson(self, number):
        values, tags = self.common(number, "l")
        rng, vocabulary = self.rng, self.vocabulary
        values.update(
            insight=prose(vocabulary, rng, 20, 50),
            change=prose(vocabulary, rng, 15, 40),
            takeaway=prose(vocabulary, rng, 20, 50),
            source_kind=rng.choice(SourceKind.values),
        )
        values["fuzzy_text"] = fold(f"{values['title']} {values['search_tags']} {values['summary']}")
        return values, tags

    def card(self, number):
        values, tags = self.common(number, "k")
        rng, vocabulary = self.rng, self.vocabulary
        learn_more = sentences(vocabulary, rng, rng.randint(10, 30))
        question = "Hoe " + " ".join(vocabulary.draw(rng, rng.randint(5, 12))) + "?"
        values.update(
            question=question[:300],
            answer=prose(vocabulary, rng, 20, 45),
            learn_more="\n".join(f"- {line}" for line in learn_more),
            learn_more_html="<ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in learn_more)
            + "</ul>",
            awaiting_check=rng.random() < 0.2,
        )
        # As Card.build_fuzzy_text: the question in front of the common part.
        common = fold(f"{values['title']} {values['search_tags']} {values['summary']}")
        values["fuzzy_text"] = fold(f"{values['question']} {common}")
        return values, tags


def ensure_programmes():
    """The demo programmes and deals, created when missing."""
    data = read_demo("programmes")
    programmes = {}
    for entry in data["programme"]:
        fields = {key: value for key, value in entry.items() if key != "slug"}
        programmes[entry["slug"]], _ = Programme.objects.get_or_create(slug=entry["slug"], defaults=fields)
    for entry in data.get("deal", []):
        fields = {key: value for key, value in entry.items() if key != "slug"}
        fields["programme"] = programmes[entry["programme"]]
        Deal.objects.get_or_create(slug=entry["slug"], defaults=fields)
    deals = defaultdict(list)
    for deal in Deal.objects.all():
        deals[deal.programme_id].append(deal)
    return list(Programme.objects.all()), deals


def ensure_tags():
    """The demo tags with how often the demo uses each, created when missing."""
    counts = Counter()
    for name, key in (("cards", "card"), ("lessons", "lesson")):
        for entry in read_demo(name)[key]:
            counts.update(entry.get("tags", []))
    tags = []
    for name, count in sorted(counts.items()):
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slugify(name) or name)
        tags.append((tag, count))
    return tags


def _columns(model):
    # Every stored column except the generated search vector, which the database fills.
    return [field for field in model._meta.concrete_fields if not field.generated]


def _copy(cursor, table, columns, rows):
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _next_id(cursor, model):
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608 - our table
    return cursor.fetchone()[0]


def _bulk_indexes(cursor, tables):
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND (indexdef LIKE '%%USING gin%%' OR indexdef LIKE '%%USING hnsw%%')",
        [list(tables)],
    )
    return cursor.fetchall()


def generate(items: int, seed: int = 1, append: bool = False, progress: bool = True) -> dict:
    """Fill the current database with `items` generated cards and lessons."""
    programmes, deals = ensure_programmes()
    tags = ensure_tags()
    generator = Generator(seed, programmes, deals, tags)
    pool = VectorPool(items, seed, programmes, deals)
    card_count = round(items * CARD_SHARE)
    counts = {Lesson: items - card_count, Card: card_count}
    content_types = {model: ContentType.objects.get_for_model(model) for model in counts}
    tables = [model._meta.db_table for model in counts]
    through = Card.lessons.through

    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        if not append:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            cursor.execute(
                "DELETE FROM taggit_taggeditem WHERE content_type_id = ANY(%s)",
                [[ct.pk for ct in content_types.values()]],
            )
        # Building a GIN or HNSW index once over all rows is much faster than
        # growing it row by row; generous memory keeps the build in RAM.
        indexes = _bulk_indexes(cursor, tables)
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # Django's foreign keys are deferred; checked at commit they would leave
        # trigger events pending, which CREATE INDEX refuses to run beside.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        lesson_ids = []
        with tqdm(total=items, unit="item", desc="generate", disable=not progress, mininterval=1) as bar:
            for model, count in counts.items():
                make = generator.card if model is Card else generator.lesson
                fields = _columns(model)
                first_id = _next_id(cursor, model)
                for start in range(0, count, BATCH_SIZE):
                    rows, tagged, linked = [], [], []
                    for pk in range(first_id + start, first_id + min(start + BATCH_SIZE, count)):
                        values, tag_ids = make(pk)
                        values["id"] = pk
                        values["embedding"] = pool.embedding(model, values)
                        rows.append([values.get(field.attname, field.get_default()) for field in fields])
                        tagged.extend((tag_id, content_types[model].pk, pk) for tag_id in tag_ids)
                        if model is Lesson:
                            lesson_ids.append(pk)
                        elif lesson_ids:
                            # Like the demo: a card links to a few lessons behind it.
                            picks = generator.rng.sample(lesson_ids[-5000:], k=generator.rng.randint(0, 3))
                            linked.extend((pk, lesson_pk) for lesson_pk in picks)
                    _copy(cursor, model._meta.db_table, [field.column for field in fields], rows)
                    _copy(cursor, "taggit_taggeditem", ["tag_id", "content_type_id", "object_id"], tagged)
                    _copy(cursor, through._meta.db_table, ["card_id", "lesson_id"], linked)
                    bar.update(len(rows))
                # Explicit ids were copied in, so move the identity past them.
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )

        for _name, definition in tqdm(indexes, desc="indexes", disable=not progress):
            cursor.execute(definition)
        core_models.SearchWord.fill_from_items()

    # Fresh statistics (and, outside a transaction, a visibility map and hint
    # bits) so the first measured queries don't pay for the load.
    analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        counts = MatrixCount._meta.db_table  # updated by the triggers at every COPY
        for table in [*tables, "taggit_taggeditem", through._meta.db_table, counts]:
            cursor.execute(f"{analyze} {table}")
    if semantic_available(connection):
        # As `manage.py embed_items` does after a load: one-word searches by meaning read these.
        with tqdm(unit="word", desc="words", disable=not progress, mininterval=1) as bar:
            wordvectors.fill(progress=bar.update)
    # Rows copied in bypass the signals that mark content as changed, so tell
    # the caches keyed by the content version.
    caching.ContentVersion.bump()
    caching.clear_caches()
    return {"cards": card_count, "lessons": items - card_count}
