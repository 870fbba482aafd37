"""Cards, lessons and follows stay side by side: no app imports another; they meet through the core."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cards", "lessons", "follows")


def imported_apps(path):
    """The top-level packages a module imports (a relative import stays inside its own app)."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def app_modules(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT / app).parts
        if parts[0] not in ("migrations", "tests") and not path.name.startswith("test_"):
            yield path


@pytest.mark.parametrize("app", APPS)
def test_an_app_does_not_import_the_other_app(app):
    others = set(APPS) - {app}
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in app_modules(app)
        for name in imported_apps(path)
        if name in others
    ]
    assert list(app_modules(app)), f"no modules found in {app}/"
    assert offenders == []
