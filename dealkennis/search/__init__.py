"""Full-text search over the knowledge items.

`text` owns what is indexed, `query` what a reader typed, `engine` the search
itself (data, no pages) and `suggestions` the typo vocabulary (a model of the
dealkennis app).
"""
