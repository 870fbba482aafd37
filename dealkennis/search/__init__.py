"""Full-text search over the knowledge items.

`text` owns what is indexed, `query` what a reader typed, `engine` the search
itself (data, no pages) and `suggestions` the typo vocabulary (a model of the
dealkennis app). Search by meaning: `embedding` wraps the model, `meaning` the
vectors in PostgreSQL (availability, nearest items), `vectors` what is
embedded and keeping it current.
"""
