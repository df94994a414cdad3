"""Whether a volunteer may take on a volunteering role, and if not, why not.

Pure Python, no Django: the recruitment screens, the matching engine and the crisis rota all ask
the same question and must get the same answer. Tested with hypothesis.

A role asks for a DBS check of at least a given level, no older than its renewal policy, and a set
of training courses, each completed and not expired. The volunteer must also be active (not still
in recruitment, paused or left).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

# DBS levels, weakest first: a stronger check satisfies a role asking for a weaker one.
DBS_LEVELS = ("basic", "standard", "enhanced", "enhanced_barred")
DBS_LEVEL_NAMES = {
    "basic": "basic",
    "standard": "standard",
    "enhanced": "enhanced",
    "enhanced_barred": "enhanced with barred list",
}
DEFAULT_RENEWAL_YEARS = 3


@dataclass(frozen=True)
class DbsEvidence:
    level: str
    issued_on: dt.date


@dataclass(frozen=True)
class TrainingEvidence:
    course: str  # the course kind, e.g. "safeguarding_adults"
    completed_on: dt.date
    expires_on: dt.date | None  # None: never expires


@dataclass(frozen=True)
class RoleRequirements:
    name: str
    dbs_level: str | None  # None: no DBS check needed
    dbs_renewal_years: int = DEFAULT_RENEWAL_YEARS
    courses: frozenset[str] = field(default_factory=frozenset)
    course_names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]  # why not; empty when eligible

    def __bool__(self) -> bool:
        return self.eligible


def level_rank(level: str) -> int:
    """0 for basic up to 3 for enhanced with barred list; ValueError for anything else."""
    try:
        return DBS_LEVELS.index(level)
    except ValueError as error:
        raise ValueError(f"Unknown DBS level: {level!r}") from error


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def dbs_renewal_due(check: DbsEvidence, renewal_years: int) -> dt.date:
    """The first day the check no longer counts under a renewal policy of `renewal_years`."""
    return add_years(check.issued_on, renewal_years)


def training_is_current(record: TrainingEvidence, on: dt.date) -> bool:
    return record.completed_on <= on and (record.expires_on is None or on < record.expires_on)


def check_eligibility(
    requirements: RoleRequirements,
    *,
    active: bool,
    dbs_checks: Iterable[DbsEvidence],
    training: Iterable[TrainingEvidence],
    on: dt.date,
) -> Eligibility:
    """Eligible only when active and every check and course the role asks for is current on `on`."""
    reasons: list[str] = []
    if not active:
        reasons.append("They are not an active volunteer")
    if requirements.dbs_level is not None:
        wanted = level_rank(requirements.dbs_level)
        strong_enough = [
            c for c in dbs_checks if level_rank(c.level) >= wanted and c.issued_on <= on
        ]
        level_name = DBS_LEVEL_NAMES[requirements.dbs_level]
        if not strong_enough:
            article = "an" if level_name[0] in "aeiou" else "a"
            reasons.append(f"They need {article} {level_name} DBS check")
        elif all(on >= dbs_renewal_due(c, requirements.dbs_renewal_years) for c in strong_enough):
            reasons.append(
                f"Their {level_name} DBS check is more than "
                f"{requirements.dbs_renewal_years} years old and needs renewing"
            )
    records = list(training)
    for course in sorted(requirements.courses):
        name = requirements.course_names.get(course, course.replace("_", " "))
        taken = [r for r in records if r.course == course and r.completed_on <= on]
        if not taken:
            reasons.append(f"They need to complete {name} training")
        elif not any(training_is_current(r, on) for r in taken):
            reasons.append(f"Their {name} training has expired")
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))
