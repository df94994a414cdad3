"""Static checks of the house rules that import-linter cannot see (ADR-085), used by
`kindred/tests/test_house_rules.py`. Pure: they read source text and need no database.

1. An app changes another app's rows only by calling that app's services: a module of app A may
   not call `create`, `update`, `delete`, `bulk_create`, `bulk_update`, `get_or_create`,
   `update_or_create` or `select_for_update` anywhere in a chain that starts from a model of app
   B (`Match.objects.filter(...).update(...)`, `models.Match.objects.create(...)`).
2. A function-local import of another Kindred app is an edge import-linter sees too; it must say
   why it is local (a comment on its line or the line above), or be moved to the top.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

WRITES = frozenset(
    {
        "create",
        "update",
        "delete",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
        "select_for_update",
    }
)

#: Given a module path ("kindred.matching.models") and a name in it ("Match"): the app that owns
#: that name if it is a model, else None.
ModelOwner = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Finding:
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.line}: {self.text}"


def app_of(module: str) -> str | None:
    """'kindred.matching.services' (or 'kindred.matching') -> 'matching'; None outside Kindred."""
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "kindred" else None


def _imported_names(tree: ast.Module) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Names bound by `from X import Y` (name -> (X, Y)) and module aliases (alias -> module)."""
    names: dict[str, tuple[str, str]] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                bound = alias.asname or alias.name
                names[bound] = (node.module, alias.name)
                modules[bound] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    modules[alias.asname] = alias.name
    return names, modules


def _chain_root(node: ast.expr) -> tuple[ast.expr, list[str]]:
    """Walk `a.b(...).c(...).d` down to its root expression, collecting the attribute names."""
    attributes: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            attributes.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node, list(reversed(attributes))


def cross_app_writes(source: str, *, module: str, owner_of: ModelOwner) -> list[Finding]:
    """Every write, in `source` (the text of `module`), to a model of another app."""
    here = app_of(module)
    tree = ast.parse(source)
    names, modules = _imported_names(tree)
    lines = source.splitlines()
    findings = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        root, attributes = _chain_root(node.func)
        if not isinstance(root, ast.Name) or not set(attributes) & WRITES:
            continue
        owner = None
        if root.id in names:  # Model.objects... with Model imported by name
            owner = owner_of(*names[root.id])
        if owner is None and root.id in modules and attributes:  # models.Model.objects...
            owner = owner_of(modules[root.id], attributes[0])
        if owner is not None and owner != here:
            findings.append(Finding(node.lineno, lines[node.lineno - 1].strip()))
    return sorted(set(findings), key=lambda finding: finding.line)


def _function_local_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield node


def unexplained_local_imports(source: str, *, module: str) -> list[Finding]:
    """Function-local imports of another Kindred app with no comment saying why."""
    here = app_of(module)
    tree = ast.parse(source)
    lines = source.splitlines()
    findings = []
    for node in _function_local_imports(tree):
        targets = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
        if not any(app_of(t) not in (None, here) for t in targets):
            continue
        said = "#" in lines[node.lineno - 1] or lines[node.lineno - 2].strip().startswith("#")
        if not said:
            findings.append(Finding(node.lineno, lines[node.lineno - 1].strip()))
    return sorted(set(findings), key=lambda finding: finding.line)
