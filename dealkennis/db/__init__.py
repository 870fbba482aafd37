"""The database: the project's own PostgreSQL server and the tools that reach a server.

``embedded`` starts (or reuses) the PostgreSQL under ``.pgdata/`` used when no
DATABASE_URL is given; ``backend`` is the Django database backend that starts
it when a connection is first opened, never when settings are imported;
``tools`` creates databases and finds pg_dump/pg_restore for a server.
"""
