"""Merging two records of one person (ADR-090).

One record stays (the survivor); the other becomes a tombstone that points at it. The records
other apps keep about the person and may still change (referrals, relationships, goals, the
crisis plan's head, conflicts, the volunteer link...) move to the survivor, each through its own
app's services. People sits low in the layers and cannot call those apps, so each registers what
it holds when Django starts, in its AppConfig.ready():

    from kindred.people.merging import person_records
    person_records("referrals", label="Referrals and concerns for the GP",
                   held=services.person_referrals_held, move=services.person_referrals_move)

`held(*, person)` says how many such records a person has (for the side-by-side comparison);
`move(*, by, merged, survivor)` moves them inside the merge's transaction, with both person rows
locked, and returns how many moved; `note(*, merged, survivor)` may say something the
coordinator must know before merging (an empty string for nothing). Append-only records
(consents, reviews, plan versions, histories, the audit log) never move: reads of the survivor
include the records merged into it (`selectors.record_ids_of`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.people import audit_actions
from kindred.people.models import Person


class MergeRefused(DomainError):
    """The two records cannot be merged; the message says why, plainly."""


class Held(Protocol):
    def __call__(self, *, person: Person) -> int: ...


class Move(Protocol):
    def __call__(self, *, by: Acting, merged: Person, survivor: Person) -> int: ...


class Note(Protocol):
    def __call__(self, *, merged: Person, survivor: Person) -> str: ...


@dataclass(frozen=True)
class PersonRecords:
    """What one app holds about a person that moves to the survivor in a merge."""

    key: str
    label: str
    held: Held
    move: Move
    note: Note | None
    order: int


_records: dict[str, PersonRecords] = {}


def person_records(
    key: str,
    *,
    label: str,
    held: Held,
    move: Move,
    note: Note | None = None,
    order: int = 100,
) -> None:
    """Register (once, however often ready() runs) records that follow a person in a merge."""
    _records[key] = PersonRecords(key, label, held, move, note, order)


def registered() -> list[PersonRecords]:
    return sorted(_records.values(), key=lambda r: (r.order, r.key))


#: Details the survivor takes from the merged record where its own are blank (never over its
#: own): label of each, for the confirm page and the survivor's page. The NHS number is taken
#: the same way, and released by the tombstone (one record per NHS number, ADR-074).
FILLED = {
    "nhs_number": "NHS number",
    "preferred_name": "What they like to be called",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "preferred_contact": "How they prefer to be contacted",
    "language": "Language",
    "gender": "Gender",
    "gp_practice_ods": "GP practice",
}


def moving_between(*, by: Acting, merged: Person, survivor: Person) -> Organisation:
    """For a mover to call first: the organisation whose records it moves. Refused unless it
    runs inside a transaction (the merge's) for two records of the organisation acted for,
    neither of them a tombstone yet."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Records move only inside the merge's transaction")
    organisation = by.organisation
    if organisation is None or {merged.organisation_id, survivor.organisation_id} != {
        organisation.pk
    }:
        raise MergeRefused("Both records must be records of the organisation you act for.")
    if merged.pk == survivor.pk or merged.is_merged or survivor.is_merged:
        raise MergeRefused("Records move only from one current record to another.")
    return organisation


def refusals(*, survivor: Person, merged: Person) -> list[str]:
    """Why these two records cannot be merged, in plain English (none if they can)."""
    found: list[str] = []
    if survivor.pk == merged.pk:
        return ["These are the same record."]
    if survivor.organisation_id != merged.organisation_id:
        found.append("Records of different organisations are never merged.")
    for person in (survivor, merged):
        if person.is_merged:
            found.append(
                f"The record of {person.display_name} was already merged into another record."
            )
    if survivor.nhs_number and merged.nhs_number and survivor.nhs_number != merged.nhs_number:
        found.append(
            "The records have different NHS numbers, and two NHS numbers are never one person. "
            "Check the numbers with the person or their GP practice and correct the wrong one."
        )
    if (
        survivor.date_of_birth
        and merged.date_of_birth
        and survivor.date_of_birth != merged.date_of_birth
    ):
        found.append(
            "The records have different dates of birth. If one is wrong, correct it first, "
            "then merge."
        )
    return found


def details_filled(*, survivor: Person, merged: Person) -> list[str]:
    """The details the survivor will take from the merged record (its own are blank)."""
    return [
        name
        for name in FILLED
        if getattr(survivor, name) in ("", None) and getattr(merged, name) not in ("", None)
    ]


@dataclass(frozen=True)
class HeldCount:
    records: PersonRecords
    survivor: int
    merged: int


@dataclass(frozen=True)
class MergePreview:
    """What a merge of `merged` into `survivor` would do, for the confirm page."""

    survivor: Person
    merged: Person
    refusals: list[str]
    filled: list[str]
    held: list[HeldCount]
    notes: list[str]

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def filled_labels(self) -> list[str]:
        return [FILLED[name] for name in self.filled]


def records_held(*, person: Person) -> dict[str, int]:
    """How many records of each registered kind the person has (one query per kind)."""
    return {records.key: records.held(person=person) for records in registered()}


def merge_preview(*, survivor: Person, merged: Person) -> MergePreview:
    notes = []
    for records in registered():
        if records.note is not None and (said := records.note(merged=merged, survivor=survivor)):
            notes.append(said)
    held_survivor = records_held(person=survivor)
    held_merged = records_held(person=merged)
    return MergePreview(
        survivor=survivor,
        merged=merged,
        refusals=refusals(survivor=survivor, merged=merged),
        filled=details_filled(survivor=survivor, merged=merged),
        held=[
            HeldCount(records, held_survivor[records.key], held_merged[records.key])
            for records in registered()
        ],
        notes=notes,
    )


@dataclass(frozen=True)
class Merged:
    survivor: Person
    merged: Person
    moved: dict[str, int]
    filled: list[str]


def _locked_pair(by: Acting, survivor_id: uuid.UUID, merged_id: uuid.UUID) -> tuple[Person, Person]:
    """Both records, locked in one order (by id) so two merges never wait for each other in a
    circle, found from the organisation acted for."""
    if by.organisation is None:
        raise MergeRefused("Choose an organisation first.")
    if survivor_id == merged_id:
        raise MergeRefused("These are the same record.")
    locked = {
        person.pk: person
        # FOR NO KEY UPDATE, as people.services._current takes: excludes a referral linking
        # either record meanwhile, without blocking other commits' foreign-key checks.
        for person in by.organisation.people.select_for_update(no_key=True)
        .filter(pk__in=[survivor_id, merged_id])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise MergeRefused(
            "Both records must be records of the organisation you act for: records of different "
            "organisations are never merged."
        )
    return locked[survivor_id], locked[merged_id]


def _check_seen(person: Person, seen: dt.datetime | None) -> None:
    if seen is None or person.updated_at != seen:
        raise ChangedSinceYouLooked(
            f"Someone changed the record of {person.display_name} while you were looking at it. "
            "Compare the two records again before merging."
        )


@transaction.atomic
def person_merge(
    *,
    by: Acting,
    survivor_id: uuid.UUID,
    merged_id: uuid.UUID,
    survivor_seen: dt.datetime | None,
    merged_seen: dt.datetime | None,
) -> Merged:
    """Merge the record `merged_id` into `survivor_id`, two records of one person, as a
    coordinator decided having compared them: `*_seen` are the `updated_at` of each record as
    the comparison showed it (if either changed since, nothing is done).

    Both rows are locked; the checks of `refusals` apply; every registered app moves its records
    to the survivor; the survivor takes the details it lacks (the NHS number released by the
    tombstone first); the tombstones already pointing at `merged` point at the survivor (no
    chains); `merged` becomes a tombstone. Audited once as `person.merged`, naming both
    records, so the entry is in both records' trails."""
    if by.user is None:
        raise MergeRefused("Only a signed-in coordinator can merge records.")
    survivor, merged = _locked_pair(by, survivor_id, merged_id)
    refused = refusals(survivor=survivor, merged=merged)
    if refused:
        raise MergeRefused(" ".join(refused))
    _check_seen(survivor, survivor_seen)
    _check_seen(merged, merged_seen)

    moved = {
        records.key: records.move(by=by, merged=merged, survivor=survivor)
        for records in registered()
    }
    Person.objects.filter(merged_into=merged).update(merged_into=survivor)

    filled = details_filled(survivor=survivor, merged=merged)
    taken = {name: getattr(merged, name) for name in filled}
    merged.merged_into = survivor
    merged.merged_at = timezone.now()
    tombstone_fields = ["merged_into", "merged_at", "updated_at"]
    if merged.nhs_number:
        # Released before the survivor takes it, so one record holds it at any moment (ADR-074).
        # The tombstone can only hold one the survivor lacks: different numbers are refused.
        merged.nhs_number = ""
        tombstone_fields.append("nhs_number")
    merged.save(update_fields=tombstone_fields)

    extra: list[str] = []
    for name, value in taken.items():
        setattr(survivor, name, value)
        if name == "postcode":
            survivor.easting, survivor.northing = merged.easting, merged.northing
            extra += ["easting", "northing"]
        elif name == "gender":
            survivor.gender_described = merged.gender_described
            extra.append("gender_described")
    survivor.save(update_fields=[*filled, *extra, "updated_at"])

    audit_record(
        by=by,
        action=audit_actions.PERSON_MERGED,
        target=survivor,
        detail={
            "merged": str(merged.pk),
            "people": [str(survivor.pk), str(merged.pk)],
            "moved": moved,
            "details_copied": filled,
        },
    )
    return Merged(survivor=survivor, merged=merged, moved=moved, filled=filled)
