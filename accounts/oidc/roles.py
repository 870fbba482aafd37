"""The editorial roles follow the provider's groups, on every sign-in, when a mapping is set.

A role whose mapping (DEALKENNIS_OIDC_COORDINATOR_GROUPS / _EDITOR_GROUPS) is
empty is left as the admin set it. Staff status follows the roles: staff
exactly when the account has a role. Superusers are never changed.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import Group

from dealkennis.roles import COORDINATOR, EDITOR

logger = logging.getLogger(__name__)


def role_mapping() -> dict[str, set[str]]:
    """Each role with the provider's group values that give it, for the roles that are mapped."""
    mapping = {COORDINATOR: settings.OIDC_COORDINATOR_GROUPS, EDITOR: settings.OIDC_EDITOR_GROUPS}
    return {role: set(values) for role, values in mapping.items() if values}


def provider_groups(claims: dict) -> set[str]:
    """The group values in the configured claim; a missing claim means no groups.

    A dotted name reaches into an object (Keycloak's "realm_access.roles")
    when no claim has the whole name.
    """
    name = settings.OIDC_GROUPS_CLAIM
    value = claims.get(name)
    if value is None and "." in name:
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str)}
    return set()


def sync_roles(user, claims: dict) -> None:
    mapping = role_mapping()
    if user.is_superuser or not mapping:
        return
    groups = provider_groups(claims)
    wanted = {role for role, values in mapping.items() if groups & values}
    managed = list(Group.objects.filter(name__in=mapping))
    user.groups.remove(*(group for group in managed if group.name not in wanted))
    user.groups.add(*(group for group in managed if group.name in wanted))
    staff = user.groups.filter(name__in=[COORDINATOR, EDITOR]).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    logger.info("Roles of %s from the provider's groups: %s.", user.get_username(), sorted(wanted) or "none")
