"""Signing in with the organisation's account: OpenID Connect through mozilla-django-oidc.

discovery: the provider's endpoints; backend: tokens checked, users found or
made, roles from the provider's groups; views: start, callback and logout.
"""
