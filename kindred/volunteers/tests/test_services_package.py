"""kindred.volunteers.services is a package by subject; the names other apps use stay importable
from the package itself (issue 11), and no other app uses one it does not re-export."""

import ast
from pathlib import Path

from kindred.volunteers import services
from kindred.volunteers.services import hours, recruitment, support

KINDRED = Path(__file__).resolve().parents[2]
SUBJECTS = {
    "checks",
    "expenses",
    "hours",
    "profile",
    "recruitment",
    "references",
    "roles",
    "support",
}


def test_the_names_other_apps_use_are_the_subject_modules_own():
    assert services.hours_record is hours.hours_record
    assert services.support_request is support.support_request
    assert services.RECRUITMENT is recruitment.RECRUITMENT
    for name in services.__all__:
        assert getattr(services, name) is not None


def names_other_apps_use() -> dict[str, set[str]]:
    """name -> the files outside volunteers that use kindred.volunteers.services.<name>."""
    used: dict[str, set[str]] = {}
    for path in KINDRED.rglob("*.py"):
        if "volunteers" in path.relative_to(KINDRED).parts[:1] or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "kindred.volunteers.services":
                for alias in node.names:
                    used.setdefault(alias.name, set()).add(str(path))
            if isinstance(node, ast.ImportFrom) and node.module == "kindred.volunteers":
                aliases |= {a.asname or a.name for a in node.names if a.name == "services"}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                used.setdefault(node.attr, set()).add(str(path))
    return used


def test_other_apps_use_only_what_the_package_re_exports():
    used = names_other_apps_use()
    assert "hours_record" in used  # relationships records a contact's time
    missing = {name: files for name, files in used.items() if name not in services.__all__}
    assert not {n: f for n, f in missing.items() if n not in SUBJECTS}
