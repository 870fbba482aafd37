"""Vectors for the generated benchmark corpus, without embedding 100k texts one by one.

Embedding one item costs about half a second on one core, so 100k items would
take most of a day. The generated text is random Dutch from demo words, whose
meaning nobody searches for; the benchmark measures what search by meaning
costs at size. So a pool of items (a tenth of the corpus, at most
`POOL_SIZE`) is embedded for real, from exactly the text `item_text` makes,
and every later item reuses a pool vector at random, nudged by a little noise
and normalised again, so the HNSW index is not built over exact duplicates.
"""

import numpy as np

from dealkennis.search.embedding import embed_passages
from dealkennis.search.meaning import semantic_available
from dealkennis.search.vectors import item_text

POOL_SIZE = 500
# Cosine similarity of a reused vector to its pool vector: about 0.95.
NOISE = 0.3


class VectorPool:
    def __init__(self, items, seed, programmes, deals):
        self.enabled = semantic_available()
        self.size = min(POOL_SIZE, max(1, items // 10))
        self.rng = np.random.default_rng(seed)
        self.vectors = []
        self.programmes = {programme.pk: programme for programme in programmes}
        self.deals = {deal.pk: deal for group in deals.values() for deal in group}

    def embedding(self, model, values):
        """The `embedding` column for an item's values, as PostgreSQL's array text (None when off)."""
        if not self.enabled:
            return None
        if len(self.vectors) < self.size:
            item = model(**{key: value for key, value in values.items() if key != "embedding"})
            item.programme = self.programmes[values["programme_id"]]
            item.deal = self.deals.get(values["deal_id"])
            vector = np.array(embed_passages([item_text(item)])[0], dtype=np.float32)
            self.vectors.append(vector)
        else:
            base = self.vectors[self.rng.integers(len(self.vectors))]
            noise = self.rng.normal(0, NOISE / np.sqrt(base.size), base.size).astype(np.float32)
            vector = base + noise
            vector /= np.linalg.norm(vector)
        return "{" + ",".join(f"{value:.6g}" for value in vector.tolist()) + "}"
