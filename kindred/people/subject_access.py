"""A person's own data, for a subject access request: as JSON, and as a PDF to post or hand over.

Other apps add what they hold about the person with `@subject_access_part("referrals")`, a function
person -> JSON-ready data, so the export always has everything without the people app knowing
every other app.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone
from fpdf import FPDF

from kindred.people.models import ConsentKind, Person
from kindred.people.presenters import changed_details

PartFunction = Callable[[Person], Any]
_parts: dict[str, tuple[str, PartFunction]] = {}


def subject_access_part(key: str, *, title: str) -> Callable[[PartFunction], PartFunction]:
    def register(function: PartFunction) -> PartFunction:
        _parts[key] = (title, function)
        return function

    return register


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def person_data(person: Person) -> dict[str, Any]:
    """Everything held about the person. Records merged into theirs (ADR-090) are each given in
    full under `merged_records`: what stayed on them (consents, reviews...) is still theirs."""
    data: dict[str, Any] = {
        "organisation": person.organisation.name,
        "exported_at": timezone.now().isoformat(),
        **_record_data(person),
    }
    data["merged_records"] = [
        {"merged_at": _when(merged.merged_at), **_record_data(merged)}
        for merged in person.merged_records.order_by("merged_at")
    ]
    return data


def _record_data(person: Person) -> dict[str, Any]:
    details = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth": _when(person.date_of_birth),
        "nhs_number": person.nhs_number,
        "address": person.address,
        "postcode": person.postcode,
        "phone": person.phone,
        "email": person.email,
        "preferred_contact": person.get_preferred_contact_display()
        if person.preferred_contact
        else "",
        "language": person.language,
        "gender": person.gender_text,
        "gp_practice_ods_code": person.gp_practice_ods,
        "added": _when(person.created_at),
    }
    consents = [
        {
            "consent": str(ConsentKind(c.kind).label),
            "given": c.given,
            "recorded_at": _when(c.recorded_at),
            "recorded_by": c.recorded_by_label,
        }
        for c in person.consents.order_by("recorded_at")
    ]
    changes = [
        {
            "changed_at": _when(change.occurred_at),
            "changed_by": change.by_label,
            "changes": [
                {"detail": item.label, "before": item.before, "after": item.after}
                for item in changed_details(change)
            ],
        }
        for change in person.changes.order_by("occurred_at")
    ]
    data: dict[str, Any] = {"person": details, "consents": consents, "changes_to_details": changes}
    for key, (_title, function) in sorted(_parts.items()):
        data[key] = function(person)
    return data


def _titles() -> dict[str, str]:
    return {key: title for key, (title, _f) in _parts.items()}


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(getattr(self, "footer_family", "Helvetica"), size=8)
        self.cell(0, 8, f"Page {self.page_no()}", align="C")


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _unicode_font(pdf: FPDF) -> bool:
    """DejaVu Sans where the system has it (Debian's fonts-dejavu-core), so any script prints;
    otherwise Helvetica, which covers Latin-1 only (other characters print as '?'; the JSON
    export always has them exactly)."""
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return False
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold))
    return True


def _text(value: Any, unicode_font: bool) -> str:
    text = "" if value is None else str(value)
    return text if unicode_font else text.encode("latin-1", "replace").decode("latin-1")


def person_pdf(data: dict[str, Any]) -> bytes:
    """The same data as the JSON, laid out to read."""
    pdf = _Document(format="A4")
    unicode_font = _unicode_font(pdf)
    family = "Body" if unicode_font else "Helvetica"
    pdf.footer_family = family  # type: ignore[attr-defined]
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int = 14) -> None:
        pdf.set_font(family, "B", size)
        pdf.multi_cell(width, 8, _text(text, unicode_font), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def line(text: str) -> None:
        pdf.set_font(family, "", 10)
        pdf.multi_cell(width, 5.5, _text(text, unicode_font), new_x="LMARGIN", new_y="NEXT")

    def block(value: Any, indent: str = "") -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict | list):
                    line(f"{indent}{key.replace('_', ' ').capitalize()}:")
                    block(inner, indent + "    ")
                else:
                    line(
                        f"{indent}{key.replace('_', ' ').capitalize()}: {inner if inner not in (None, '') else '-'}"
                    )
        elif isinstance(value, list):
            if not value:
                line(f"{indent}None")
            for index, item in enumerate(value, 1):
                line(f"{indent}{index}.")
                block(item, indent + "    ")
                pdf.ln(1)
        else:
            line(f"{indent}{value}")

    heading(f"What {data['organisation']} holds about you", 16)
    line(f"Exported {data['exported_at']}")
    pdf.ln(3)
    heading("Your details")
    block(data["person"])
    pdf.ln(3)
    heading("What you have agreed to")
    block(data["consents"])
    pdf.ln(3)
    heading("Changes to your details")
    block(data.get("changes_to_details", []))
    for key, title in sorted(_titles().items()):
        pdf.ln(3)
        heading(title)
        block(data.get(key, []))
    for merged in data.get("merged_records", []):
        pdf.ln(3)
        heading(f"A record of you merged into this one on {merged['merged_at']}")
        block({key: value for key, value in merged.items() if key != "merged_at"})
    return bytes(pdf.output())
