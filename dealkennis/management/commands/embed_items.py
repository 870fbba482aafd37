import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from dealkennis.caching import ContentVersion
from dealkennis.models import knowledge_models
from dealkennis.search import wordvectors
from dealkennis.search.embedding import unavailable_reason
from dealkennis.search.meaning import install_vector_search, vector_extension
from dealkennis.search.vectors import refresh_vectors


class Command(BaseCommand):
    help = (
        "Embed cards and lessons for search by meaning (all of them, or with --missing only those "
        "without a vector), then the public words that have no stored query vector yet. Installs "
        "pgvector and its indexes first where the server offers it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="only items that have no vector yet")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--no-words", action="store_true", help="leave the stored word vectors as they are"
        )

    def handle(self, *args, **options):
        if reason := unavailable_reason():
            raise CommandError(f"The embedding model cannot run here: {reason}")
        models = knowledge_models()
        if not vector_extension(connection)[0] and not install_vector_search(
            connection, [model._meta.db_table for model in models]
        ):
            self.stderr.write(
                "This database has no pgvector: vectors are stored, but search stays full text here."
            )
        started, done = time.perf_counter(), 0
        for model in models:
            todo = model.objects.all()
            if options["missing"]:
                todo = todo.filter(embedding__isnull=True)
            with tqdm(
                total=todo.count(),
                unit="item",
                desc=str(model._meta.verbose_name_plural),
                disable=options["no_progress"],
                file=self.stderr,
            ) as bar:
                done += refresh_vectors(model, missing=options["missing"], progress=bar.update)
        # Cached search results were computed without these vectors.
        ContentVersion.bump()
        words = 0 if options["no_words"] else self.embed_words(options["no_progress"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Embedded {done} items and {words} words in {time.perf_counter() - started:.1f} s."
            )
        )

    def embed_words(self, no_progress):
        # Only speed depends on these: a search for a word without one embeds it then.
        with tqdm(unit="word", desc="words", disable=no_progress, file=self.stderr) as bar:
            return wordvectors.fill(progress=bar.update)
