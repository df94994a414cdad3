"""What a network referral sent, as the rows of an NHS.UK summary list (ADR-092)."""

from __future__ import annotations

from typing import Any

from kindred.core.presenters import local_date, local_datetime
from kindred.people.identifiers import format_nhs_number
from kindred.people.models import ConsentKind, ContactMethod
from kindred.referrals.models import Source, Urgency, Wants
from kindred.referrals.models_network import NetworkReferral

PERSON_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "preferred_name": "What they like to be called",
    "nhs_number": "NHS number",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "gp_practice_ods": "GP practice ODS code",
    "language": "Language",
}


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _row(key: str, value: str) -> dict[str, dict[str, str]]:
    return {"key": {"text": key}, "value": {"text": value}}


def what_was_sent(network_referral: NetworkReferral) -> list[dict[str, dict[str, str]]]:
    """Every detail the sender gave (nothing looked up, nothing left out), in plain words."""
    sent = network_referral.sent
    person = network_referral.person_as_sent or {}
    referrer = ", ".join(
        str(part)
        for part in (
            sent("referrer_name"),
            sent("referrer_role"),
            sent("referrer_organisation"),
            sent("referrer_ods_code"),
        )
        if part
    )
    rows = [
        _row("Received", local_datetime(network_referral.received_at)),
        _row("Came through", network_referral.get_channel_display()),
        _row(
            "Referred by",
            _label(Source, network_referral.source) + (f": {referrer}" if referrer else ""),
        ),
    ]
    for name, label in (
        ("referrer_email", "Referrer's email"),
        ("referrer_phone", "Referrer's phone"),
    ):
        if sent(name):
            rows.append(_row(label, str(sent(name))))
    rows += [
        _row("Why", str(sent("reason")) or "Not given"),
        _row("Would like", _label(Wants, network_referral.wants)),
        _row("How soon", _label(Urgency, str(sent("urgency") or Urgency.ROUTINE))),
    ]
    if sent("conditions"):
        rows.append(_row("Conditions", str(sent("conditions"))))
    if sent("lived_experience"):
        rows.append(_row("Experiences to share", str(sent("lived_experience"))))
    for name, label in PERSON_LABELS.items():
        value = str(person.get(name) or "")
        if not value:
            continue
        if name == "nhs_number":
            value = format_nhs_number(value)
        rows.append(_row(label, value))
    born = network_referral.date_of_birth_as_sent
    if born is not None:
        rows.append(_row("Date of birth", local_date(born)))
    if person.get("preferred_contact"):
        rows.append(
            _row("How to contact them", _label(ContactMethod, str(person["preferred_contact"])))
        )
    for kind in ConsentKind:
        given = getattr(network_referral, f"consent_{kind.value}")
        if given is not None:
            rows.append(
                _row(
                    f"Agreed {str(kind.label)[0].lower()}{str(kind.label)[1:]}",
                    "Yes" if given else "No",
                )
            )
    return rows
