"""The audit log's vocabulary (ADR-084): one registry of the actions an entry may name.

Every action is `<entity>.<past verb>` ("referral.received", "crisis_plan.viewed",
"membership.grant_refused"). Each app declares its actions in its own `audit_actions.py`, which
core loads when Django starts, and passes the returned constants to `audit_record`:

    RECEIVED = audit_action("referral.received", "A referral arrived")
    audit_record(by=by, action=RECEIVED, target=referral)

A read is audited through `kindred.core.services.audit_view`, whose two actions for an entity
(`<entity>.viewed`, `<entity>.view_refused`) `audit_view_actions` declares: a refused attempt is
recorded as a refusal, never as a view.

Entries already in the log keep the names they were written with (the log cannot be changed);
an action lists them as `legacy`, so searching the log for an action finds its old entries too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
#: Past participles that do not end in "ed" (a verb's last word must be one or end in "ed").
IRREGULAR = frozenset(
    {"sent", "set", "reset", "made", "paid", "given", "taken", "held", "run", "done", "withdrawn"}
)
#: Particles that may follow the verb ("user.signed_in", "user.signed_out").
PARTICLES = frozenset({"in", "out", "up", "on", "off"})


class UnknownAuditAction(LookupError):
    """An entry names an action nobody declared."""


@dataclass(frozen=True)
class AuditAction:
    name: str
    description: str
    legacy: tuple[str, ...] = ()

    @property
    def entity(self) -> str:
        return self.name.split(".", 1)[0]


_actions: dict[str, AuditAction] = {}
_current_name: dict[str, str] = {}  # every known name, old or current -> its current name


def is_past_verb(verb: str) -> bool:
    words = verb.split("_")
    while len(words) > 1 and words[-1] in PARTICLES:
        words.pop()
    return words[-1].endswith("ed") or words[-1] in IRREGULAR


def audit_action(name: str, description: str, *, legacy: tuple[str, ...] = ()) -> str:
    """Declare an action (idempotent for the same declaration) and return its name."""
    if not NAME.match(name) or not is_past_verb(name.split(".", 1)[1]):
        raise ValueError(f"Audit action {name!r} is not named '<entity>.<past verb>'")
    action = AuditAction(name, description, tuple(legacy))
    if name in _actions and _actions[name] != action:
        raise ValueError(f"Audit action {name!r} is declared twice, differently")
    for old in (name, *legacy):
        if _current_name.get(old, name) != name:
            raise ValueError(f"{old!r} already names the audit action {_current_name[old]!r}")
    _actions[name] = action
    for old in (name, *legacy):
        _current_name[old] = name
    return name


def audit_view_actions(
    entity: str, what: str, *, legacy: tuple[str, ...] = (), refused_legacy: tuple[str, ...] = ()
) -> str:
    """Declare `<entity>.viewed` and `<entity>.view_refused` for a record `what` describes
    ("a person's crisis plan"), and return the entity for `audit_view`."""
    audit_action(f"{entity}.viewed", f"Someone was shown {what}", legacy=legacy)
    audit_action(f"{entity}.view_refused", f"Someone was refused {what}", legacy=refused_legacy)
    return entity


def check(name: str) -> None:
    if name not in _actions:
        raise UnknownAuditAction(
            f"Audit action {name!r} is not declared: add it to the app's audit_actions.py"
        )


def current_name(name: str) -> str:
    """The name an action has now, given any name it was ever written with."""
    return _current_name.get(name, name)


def names_for_search(name: str) -> list[str]:
    """Every name the entries of this action may carry: its current name and its old ones."""
    current = current_name(name)
    action = _actions.get(current)
    return [current, *action.legacy] if action is not None else [current]


def declared() -> list[AuditAction]:
    return sorted(_actions.values(), key=lambda action: action.name)
