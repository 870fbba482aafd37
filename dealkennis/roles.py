"""The two editorial roles, as Django groups (created by a migration)."""

COORDINATOR = "Coördinator"
EDITOR = "Redacteur"

_EDIT = ["view", "add", "change"]
ROLE_PERMISSIONS = {
    COORDINATOR: {
        "cards.card": [*_EDIT, "delete", "publish"],
        "lessons.lesson": [*_EDIT, "delete", "publish"],
        "lessons.followup": [*_EDIT, "delete"],
        "strategies.learningstrategy": [*_EDIT, "delete", "publish"],
        "dealkennis.programme": _EDIT,
        "dealkennis.deal": _EDIT,
        "taggit.tag": _EDIT,
        "dealkennis.synonymgroup": [*_EDIT, "delete"],
        # Invite readers, see them and deactivate them; the admin (accounts.admin)
        # keeps staff accounts out of a coordinator's reach.
        "auth.user": _EDIT,
        # Readers ask, coordinators answer (questions come from the site, never added here).
        "questions.question": ["view", "change", "delete"],
        "questions.searchgap": ["view", "delete"],
    },
    EDITOR: {
        "cards.card": _EDIT,
        "lessons.lesson": _EDIT,
        # Editors write follow-ups and draft strategies; publishing one is a coordinator's.
        "lessons.followup": _EDIT,
        "strategies.learningstrategy": _EDIT,
        "dealkennis.programme": ["view"],
        "dealkennis.deal": ["view"],
        "taggit.tag": ["view", "add"],
        # Synonyms change every search: editors see them, coordinators keep them.
        "dealkennis.synonymgroup": ["view"],
        "questions.question": ["view", "change"],
        "questions.searchgap": ["view"],
    },
}


def codenames(model_label, actions):
    model_name = model_label.split(".")[1]
    return [f"{action}_{model_name}" for action in actions]


def grant_roles(Group, Permission):
    """Create the two groups with their permissions; running it again changes nothing.

    The model classes are passed in: the data migration has its historical ones.
    """
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for model_label, actions in grants.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=model_label.split(".")[0],
                    codename__in=codenames(model_label, actions),
                )
            )
