"""Dealkennis: the project shell (settings, urls, wsgi), the core app and the upper layer (web, api)."""
