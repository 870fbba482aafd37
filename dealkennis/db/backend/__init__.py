"""Django's PostgreSQL backend on the embedded server (ENGINE "dealkennis.db.backend").

Used when no DATABASE_URL is given; the server starts when the first connection
is opened, so importing settings, `check` and the like need no database.
"""
