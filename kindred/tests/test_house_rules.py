"""House rules a test can check (architecture.md, ADR-085): views start their queries from the
organisation; an app changes another app's rows only through that app's services; a
function-local import of another app says why it is local."""

import importlib
import re
from pathlib import Path

from django.db import models

from kindred.tests.house_rules import cross_app_writes, unexplained_local_imports

PACKAGE = Path(__file__).resolve().parents[1]
DIRECT_QUERY = re.compile(r"\b[A-Z][A-Za-z]+\.objects\.|get_object_or_404\(\s*[A-Z]")


def application_modules() -> list[tuple[str, Path]]:
    """Every module of Kindred's own code: not tests, not migrations."""
    return [
        ("kindred." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts), path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.parts)
    ]


def model_owner(module: str, name: str) -> str | None:
    """The Kindred app whose model `module.name` is, or None when it is no Kindred model."""
    try:
        value = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    if isinstance(value, type) and issubclass(value, models.Model):
        parts = value.__module__.split(".")
        return parts[1] if parts[0] == "kindred" else None
    return None


def test_views_never_query_a_model_directly():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in PACKAGE.rglob("*views*.py")
        if "tests" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if DIRECT_QUERY.search(line)
    ]
    assert offenders == []


#: Modules allowed to write other apps' rows directly, and why.
WRITES_ALLOWED = {
    # Generates a million people for benchmarks with bulk inserts: through the services one at a
    # time it would take hours. Never installed in production.
    "kindred.nonprod.scale",
}


def test_no_app_writes_another_apps_rows():
    offenders = [
        f"{module}:{finding}"
        for module, path in application_modules()
        if module not in WRITES_ALLOWED
        for finding in cross_app_writes(path.read_text(), module=module, owner_of=model_owner)
    ]
    assert offenders == []


def test_function_local_imports_of_another_app_say_why():
    offenders = [
        f"{module}:{finding}"
        for module, path in application_modules()
        for finding in unexplained_local_imports(path.read_text(), module=module)
    ]
    assert offenders == []


# The checks themselves: each fails on the code it forbids, and passes the code it allows.

CROSS_APP_WRITE = """
from kindred.matching.models import Match
from kindred.matching import models as matching_models
from kindred.relationships.models import Supporter

def end(relationship):
    Match.objects.filter(supporter_link__relationship=relationship).update(status="ended")
    matching_models.Match.objects.create(status="proposed")
    Match.objects.select_for_update().get(pk=1)
    Supporter.objects.filter(relationship=relationship).update(left_on=None)
    return Match.objects.filter(status="ended").count()
"""


def test_a_cross_app_write_is_found():
    found = cross_app_writes(
        CROSS_APP_WRITE, module="kindred.relationships.services", owner_of=model_owner
    )
    assert [finding.line for finding in found] == [7, 8, 9]


def test_writes_to_the_apps_own_rows_and_reads_of_others_are_allowed():
    found = cross_app_writes(
        CROSS_APP_WRITE, module="kindred.matching.services", owner_of=model_owner
    )
    assert [finding.line for finding in found] == [10]  # only relationships' Supporter


LOCAL_IMPORTS = """
def one():
    from kindred.wellbeing import selectors

def two():
    # Imported here: the CLI starts without loading Django's apps.
    from kindred.accounts.models import User

def three():
    from kindred.matching.engine import solve  # the solver is slow to import

def four():
    from kindred.relationships.forms import ContactForm
    import json
"""


def test_an_unexplained_local_import_of_another_app_is_found():
    found = unexplained_local_imports(LOCAL_IMPORTS, module="kindred.relationships.views")
    assert [finding.line for finding in found] == [3]
