"""Finding colleagues by name, organisation, topic, role or programme: a handful of rows, so a plain match."""

from django.db.models import Func, Q, TextField, Value

from people.models import Role

MAX_WORDS = 6


def matching(profiles, query):
    """Profiles that hold every word of `query` somewhere (accents and case ignored, word starts match)."""
    words = [word for word in query.split() if any(char.isalnum() for char in word)][:MAX_WORDS]
    if not words:
        return profiles.none()
    role_words = {label.lower(): value for value, label in Role.choices}
    condition = Q()
    for word in words:
        held = (
            Q(name__unaccent__icontains=word)
            | Q(organisation__unaccent__icontains=word)
            | Q(topics_text__unaccent__icontains=word)
            | Q(programmes__name__unaccent__icontains=word)
        )
        role = role_words.get(word.lower())
        if role:
            held |= Q(roles__contains=[role])
        condition &= held
    topics_text = Func("topics", Value(" "), function="array_to_string", output_field=TextField())
    return profiles.annotate(topics_text=topics_text).filter(condition).distinct()
