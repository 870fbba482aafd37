"""The fixed vocabularies every card and lesson is classified by.

Codes are stable English identifiers (used in URLs, the API and imports);
labels are Dutch, with English through the translation files.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The four axes an item is classified on; all four before it is published.
CLASSIFICATION_FIELDS = ("stream", "mode", "order", "level")


class Stream(models.TextChoices):
    COGNITIVE = "cognitive", _("Cognitief")
    BEHAVIOURAL = "behavioural", _("Gedrag")
    RELATIONAL = "relational", _("Relationeel")
    CONSTRUCTIVIST = "constructivist", _("Creërend")
    SOCIAL = "social", _("Sociaal")


class Mode(models.TextChoices):
    EXPERIENTIAL = "experiential", _("Ervaringsleren")
    DELIBERATE = "deliberate", _("Doelbewust leren")


class Order(models.TextChoices):
    FIRST = "first", _("Eerste orde")
    SECOND = "second", _("Tweede orde")
    THIRD = "third", _("Derde orde")


class Level(models.TextChoices):
    TASK = "task", _("Taakniveau")
    COLLABORATION = "collaboration", _("Samenwerkingsniveau")


class Status(models.TextChoices):
    DRAFT = "draft", _("Concept")
    REVIEW = "review", _("Ter beoordeling")
    PUBLISHED = "published", _("Gepubliceerd")
    ARCHIVED = "archived", _("Gearchiveerd")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Openbaar")
    INTERNAL = "internal", _("Intern (alleen na inloggen)")


ORDER_QUESTIONS = {
    Order.FIRST: _("Doen we de dingen goed?"),
    Order.SECOND: _("Doen we de goede dingen?"),
    Order.THIRD: _("Is het systeem hierop toegerust?"),
}

# What the learning literature (Argyris and Schön; Swieringa and Wierdsma) calls
# each order: readers from outside the programmes know the orders by these names.
ORDER_LOOPS = {
    Order.FIRST: "single loop",
    Order.SECOND: "double loop",
    Order.THIRD: "triple loop",
}

# The facets a list or search can be narrowed by, with the vocabulary of each.
VOCABULARIES = {
    "stream": Stream,
    "mode": Mode,
    "order": Order,
    "level": Level,
}
