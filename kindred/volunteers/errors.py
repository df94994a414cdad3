"""Why a change to a volunteer's records was refused. Each message is written for the person who
tried it; views show it as it is (a `DomainError`, like every app's)."""

from __future__ import annotations

from kindred.core.transitions import DomainError
from kindred.volunteers.models import VolunteeringRole


class VolunteerError(DomainError):
    """Bad input or a step that cannot be taken."""


class NotEligible(VolunteerError):
    """The volunteer does not meet everything a role asks for; `reasons` says what is missing."""

    def __init__(self, role: VolunteeringRole, reasons: tuple[str, ...]) -> None:
        self.reasons = reasons
        super().__init__(f"They cannot be a {role.name.lower()} yet: " + "; ".join(reasons) + ".")


class TooManyEnquiries(VolunteerError):
    """Too many enquiries from one address in an hour (ADR-033)."""


class PaperworkMissing(VolunteerError):
    """A volunteer cannot move past a stage until its paperwork is recorded (ADR-095): enough
    satisfactory references to leave the references stage, a DBS check to leave the DBS stage."""
