"""Measure search and page speed on generated corpora of several sizes (`make bench`).

For each size (`run`): the whole search page per query class (`queries` picks them, `pages` times
them), the card, lesson, list and learning pages, the search under load through gunicorn (`load`),
and beside them the plain alternatives (ts_rank in raw SQL, icontains, Tantivy; `alternatives`) for
the same queries. `report` prints the tables and the targets; `timing` holds the percentiles.
`imports` times a lesson import through the admin (`make bench-import`).
"""
