"""The text sampler of the benchmark corpus: demo words with their frequencies, and prose made of them.

Words follow the demo content's frequencies and what followed what there,
with rare compounds of demo words for the long tail (see `dealkennis.content.corpus`).
"""

import html
import random
import re
import tomllib
from collections import Counter, defaultdict
from itertools import accumulate

from dealkennis.content.demo import DEMO_DIR

# How often the next word is one that followed the previous word in the demo.
FOLLOW_SHARE = 0.6
# Share of all words that are compounds, and how many different compounds exist.
COMPOUND_SHARE = 0.04
COMPOUND_COUNT = 20000
# Words per item, roughly: what the expected document frequencies are based on.
MEAN_ITEM_WORDS = 280
# Keys of the demo TOML that hold codes, slugs or references rather than text.
NOT_TEXT = {"slug", "programme", "deal", "lessons", "tags", "stream", "mode", "order", "level"}
NOT_TEXT |= {"status", "visibility", "source_kind"}
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def demo_texts() -> list[str]:
    texts = []

    def walk(value, key=""):
        if isinstance(value, str) and key not in NOT_TEXT:
            texts.append(value)
        elif isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)

    for name in ("cards", "lessons"):
        with open(DEMO_DIR / f"{name}.toml", "rb") as handle:
            walk(tomllib.load(handle))
    return texts


class Vocabulary:
    """Demo words with their frequencies, what followed what, and rare compounds."""

    def __init__(self, seed: int):
        rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
        counts, spellings = Counter(), Counter()
        self.successors = defaultdict(list)
        self.bigrams = Counter()
        for text in demo_texts():
            tokens = WORD.findall(text)
            spellings.update(tokens)
            lowered = [token.lower() for token in tokens]
            counts.update(lowered)
            for first, second in zip(lowered, lowered[1:], strict=False):
                self.successors[first].append(second)
                self.bigrams[first, second] += 1
        # Written as in the demo: in lower case unless the demo never does ("BZK", "Green").
        self.spelling = {}
        for token, _count in spellings.most_common():
            self.spelling.setdefault(token.lower(), token.lower() if token.lower() in spellings else token)

        base_total = sum(counts.values())
        weights = {word: (1 - COMPOUND_SHARE) * count / base_total for word, count in counts.items()}
        parts = [word for word in counts if len(word) >= 4 and "-" not in word]
        part_weights = [counts[word] for word in parts]
        compounds = []
        while len(compounds) < COMPOUND_COUNT:
            first, second = rng.choices(parts, weights=part_weights, k=2)
            compound = first + second
            if first != second and compound not in weights:
                weights[compound] = 0.0
                compounds.append(compound)
        self.compounds = set(compounds)
        # Zipf-like: a few compounds are common, most are rare.
        harmonic = sum(1 / rank for rank in range(1, COMPOUND_COUNT + 1))
        for rank, compound in enumerate(compounds, start=1):
            weights[compound] = COMPOUND_SHARE / (rank * harmonic)

        # Compounds never follow a demo word, so they are drawn less often than weighed.
        self.probability = {
            word: weight * (1 - FOLLOW_SHARE) if word in self.compounds else weight
            for word, weight in weights.items()
        }
        self.words = list(weights)
        self.cumulative = list(accumulate(weights[word] for word in self.words))

    def document_frequency(self, word: str) -> float:
        """Expected share of items holding the word (ignoring prefixes and stemming)."""
        return 1 - (1 - self.probability.get(word, 0.0)) ** MEAN_ITEM_WORDS

    def draw(self, rng: random.Random, count: int) -> list[str]:
        picks = rng.choices(self.words, cum_weights=self.cumulative, k=count)
        words = [picks[0]]
        for pick in picks[1:]:
            following = self.successors.get(words[-1])
            words.append(rng.choice(following) if following and rng.random() < FOLLOW_SHARE else pick)
        return [self.spelling.get(word, word) for word in words]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentences(vocabulary, rng, count) -> list[str]:
    words = vocabulary.draw(rng, count)
    result = []
    while words:
        length = rng.randint(6, 16)
        chunk, words = words[:length], words[length:]
        result.append(capitalised(" ".join(chunk)) + ".")
    return result


def prose(vocabulary, rng, low, high) -> str:
    return " ".join(sentences(vocabulary, rng, rng.randint(low, high)))


def paragraphs(vocabulary, rng, low, high) -> list[str]:
    parts = sentences(vocabulary, rng, rng.randint(low, high))
    count = min(len(parts), rng.randint(1, 4))
    size = -(-len(parts) // count)
    return [" ".join(parts[start : start + size]) for start in range(0, len(parts), size)]


def as_html(parts) -> str:
    # Plain paragraphs need no Markdown: this is what render_markdown makes of them.
    return "\n".join(f"<p>{html.escape(part)}</p>" for part in parts)
