""" "Bedoelde je …": a mistyped query corrected against the words its reader may see."""

import re

from dealkennis.models import SearchWord, audience
from dealkennis.search import fold

# Trigram similarity from which a known word is a candidate for a mistyped one.
TYPO_THRESHOLD = 0.3
# Shorter words have too many near neighbours to guess which one was meant.
SHORTEST_CORRECTED = 5


def corrected(user, terms, words):
    """`terms` with every word unknown to the reader replaced by the closest known one, or "".

    Known means: in an item of the reader's audience (`SearchWord`). Words
    of items the reader may not see must neither be offered nor stop an offer.
    """
    corrected, changed = fold(terms), False
    for word in words:
        if len(word) < SHORTEST_CORRECTED:
            continue
        known = SearchWord.closest(word, audience(user), TYPO_THRESHOLD)
        if known:
            corrected = re.sub(rf"\b{re.escape(word)}\b", known, corrected)
            changed = True
    return corrected if changed else ""
