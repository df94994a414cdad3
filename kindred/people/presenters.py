"""How a person's details and the changes to them read on a page and in their export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kindred.core.presenters import local_date
from kindred.people import identifiers
from kindred.people.models import ContactMethod, Gender, PersonChange

#: Each detail as the history names it.
DETAIL_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "preferred_name": "What they like to be called",
    "date_of_birth": "Date of birth",
    "nhs_number": "NHS number",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "preferred_contact": "How they prefer to be contacted",
    "language": "Language",
    "gender": "Gender",
    "gender_described": "How they describe their gender",
    "gp_practice_ods": "GP practice ODS code",
}


def detail_shown(name: str, text: str) -> str:
    """A detail kept as text (`services.detail_text`) as a person reads it."""
    if not text:
        return "No preference" if name == "preferred_contact" else "Not given"
    if name == "date_of_birth":
        try:
            return local_date(dt.date.fromisoformat(text))
        except ValueError:
            return text
    if name == "nhs_number":
        return identifiers.format_nhs_number(text)
    if name == "preferred_contact" and text in ContactMethod.values:
        return str(ContactMethod(text).label)
    if name == "gender" and text in Gender.values:
        return str(Gender(text).label)
    return text


@dataclass(frozen=True)
class ChangedDetail:
    name: str
    label: str
    before: str
    after: str


def changed_details(change: PersonChange) -> list[ChangedDetail]:
    """What one change did, detail by detail, in the order the details are listed."""
    return [
        ChangedDetail(
            name,
            label,
            detail_shown(name, str(change.before.get(name, ""))),
            detail_shown(name, str(change.after.get(name, ""))),
        )
        for name, label in DETAIL_LABELS.items()
        if name in change.after
    ]
