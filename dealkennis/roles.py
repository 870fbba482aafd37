"""The two editorial roles, as Django groups (created by a migration)."""

COORDINATOR = "Coördinator"
EDITOR = "Redacteur"

_EDIT = ["view", "add", "change"]
ROLE_PERMISSIONS = {
    COORDINATOR: {
        "cards.card": [*_EDIT, "delete", "publish"],
        "lessons.lesson": [*_EDIT, "delete", "publish"],
        "dealkennis.programme": _EDIT,
        "dealkennis.deal": _EDIT,
        "taggit.tag": _EDIT,
    },
    EDITOR: {
        "cards.card": _EDIT,
        "lessons.lesson": _EDIT,
        "dealkennis.programme": ["view"],
        "dealkennis.deal": ["view"],
        "taggit.tag": ["view", "add"],
    },
}


def codenames(model_label, actions):
    model_name = model_label.split(".")[1]
    return [f"{action}_{model_name}" for action in actions]
