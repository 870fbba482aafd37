"""`manage.py load_demo`: the demo content, into an empty database."""

from django.core.management.base import BaseCommand

from dealkennis.content.demo import database_is_empty, load_demo_content


class Command(BaseCommand):
    help = "Load the demo programmes, deals, cards, lessons and synonyms into an empty database."

    def handle(self, *args, **options):
        if not database_is_empty():
            self.stdout.write("The database already holds content; demo content not loaded.")
            return
        counts = load_demo_content()
        self.stdout.write(
            self.style.SUCCESS(
                "Loaded {programmes} programmes, {deals} deals, {cards} cards, {lessons} lessons, "
                "{followups} follow-ups, {strategies} learning strategies, {people} fictional colleagues "
                "and {synonyms} synonym groups.".format(**counts)
            )
        )
