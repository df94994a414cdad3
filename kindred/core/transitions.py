"""The one way Kindred records a workflow's state changes (ADR-083).

A workflow (a referral, a relationship, a volunteer's journey, a concern, a crisis request...)
declares its moves once, as a `StateMachine`, and keeps an append-only history in a model built
on `TransitionRecord`. Its services then do, inside one transaction:

    subject = organisation.things.select_for_update().get(pk=thing_id)   # lock
    MACHINE.check(current=subject.status, expected=expected, to=to)       # what the user saw
    subject.status = to; subject.save(update_fields=[...])
    ThingHistory.record(by=by, subject=subject, from_state=expected, to_state=to, note=note)
    audit_record(...)                                                       # last (ADR-080)

`check` raises `ChangedSinceYouLooked` when someone else moved the record after the user loaded
it, and `IllegalTransition` when the move is not allowed from where the record is; both are
`DomainError`s, whose message views show as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from kindred.core.models import AppendOnlyError, AppendOnlyModel

if TYPE_CHECKING:
    from kindred.core.services import Acting


class DomainError(Exception):
    """A change that cannot be made. The message says why in plain English, for the user."""


class IllegalTransition(DomainError):
    """The move is not one the workflow allows from where the record is now."""


class ChangedSinceYouLooked(DomainError):
    """Someone else changed the record after this user loaded it: one wins, the other is told."""


class HistoryIsAppendOnly(AppendOnlyError):
    """A workflow's history is a record of what happened; it is never changed or removed."""


@dataclass(frozen=True)
class StateMachine:
    """A workflow's states and the moves allowed between them.

    `moves` maps each state to the states it may move to (a state with no moves is final);
    `label` turns a state into the words the user sees; `noun` names the record in messages."""

    noun: str
    moves: Mapping[str, frozenset[str]]
    label: Callable[[str], str] = field(default=str)

    def __post_init__(self) -> None:
        unknown = {to for targets in self.moves.values() for to in targets} - set(self.moves)
        if unknown:
            raise ValueError(f"{self.noun}: moves to undeclared states {sorted(unknown)}")

    def allowed(self, current: str) -> frozenset[str]:
        return self.moves.get(str(current), frozenset())

    def can(self, current: str, to: str) -> bool:
        return str(to) in self.allowed(current)

    def check(self, *, current: str, to: str, expected: str | None = None) -> None:
        """Raise unless the record is still in the state the user saw (`expected`, when given)
        and may move from there to `to`."""
        if expected is not None and str(current) != str(expected):
            raise ChangedSinceYouLooked(
                f"Someone else changed this {self.noun} while you were looking at it: it is now "
                f"'{self.label(current)}'. Check its history before doing anything else."
            )
        if not self.can(current, to):
            raise IllegalTransition(
                f"A {self.noun} that is '{self.label(current)}' cannot become '{self.label(to)}'."
            )


def lower_labels(choices: type[models.TextChoices]) -> Callable[[str], str]:
    """A machine's `label` for states that are `choices`: "in progress", as a sentence says it
    (a state not among them is shown as stored)."""

    def label(state: str) -> str:
        return str(choices(state).label).lower() if state in choices.values else state

    return label


def machine(
    noun: str, moves: Mapping[Any, Iterable[Any]], *, label: Callable[[str], str] = str
) -> StateMachine:
    """A StateMachine from a mapping of choices (TextChoices members are stored as strings)."""
    return StateMachine(
        noun=noun,
        moves={
            str(state): frozenset(str(to) for to in targets) for state, targets in moves.items()
        },
        label=label,
    )


class TransitionRecord(AppendOnlyModel):
    """Abstract: one step in a workflow's life: who moved it from what to what, when, and why.

    A concrete history adds the record it belongs to as a ForeignKey with `on_delete=PROTECT`
    (a test checks every one) and names it in `subject_field`. Being append-only, every table
    built on it gets the database triggers of ADR-080 without further work."""

    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    occurred_at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=254)
    note = models.TextField(blank=True)

    subject_field: ClassVar[str]
    append_only_error: ClassVar[type[AppendOnlyError]] = HistoryIsAppendOnly

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.from_state or 'new'} to {self.to_state}"

    @classmethod
    def record(
        cls,
        *,
        by: Acting,
        subject: models.Model,
        from_state: str,
        to_state: str,
        note: str = "",
        at: Any = None,
    ) -> Self:
        """Append one step to `subject`'s history (inside the caller's transaction)."""
        entry = cls(
            from_state=str(from_state),
            to_state=str(to_state),
            occurred_at=at or timezone.now(),
            by_user=by.user,
            by_label=by.actor_label,
            note=note.strip(),
        )
        setattr(entry, cls.subject_field, subject)
        entry.save(force_insert=True)
        return entry
