"""A person's matching profile suggested from their referral, for a coordinator to confirm
(ADR-097). Nothing is written here: the suggestions fill the matching page's form only while the
person has no matching profile, each marked "from the referral", and become the profile when the
coordinator saves it. A profile a coordinator has saved is never changed by a referral.

What the referral holds that matching uses:
- lived experience: the conditions and experiences it gives, matched to the organisation's
  experiences by name (so "COPD, stroke" suggests COPD and Stroke);
- languages: the language it gives for the person, else the one on their record;
- ways of meeting: phone calls, where the person would rather be contacted by phone.
It holds no interests, gender preference or free times: those are left for the coordinator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kindred.people.models import ContactMethod
from kindred.referrals.models import Referral
from kindred.relationships.models import Mode

#: Labels of the profile fields a referral can suggest, as the page names them.
LABELS = {
    "experiences": "Lived experience",
    "languages": "Languages they speak",
    "modes": "Ways of meeting that suit them",
}


@dataclass(frozen=True)
class Prefill:
    """The form's starting values suggested by the referral, and which fields they fill."""

    initial: dict[str, object] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        return [name for name in LABELS if name in self.initial]


def _terms(key: str, name: str) -> set[str]:
    """The words naming an experience: its name, its name without a bracketed aside, and each
    half of "X or Y" ("Meningitis or septicaemia")."""
    plain = re.sub(r"\s*\(.*?\)", "", name).strip().casefold()
    terms = {name.casefold(), plain, key.replace("_", " ").casefold()}
    terms.update(part.strip() for part in plain.split(" or "))
    return {term for term in terms if len(term) >= 3}


def experiences_named(text: str, choices: list[tuple[str, str]]) -> list[str]:
    """The keys of the experiences whose names the text mentions as whole words, in the order
    of `choices`."""
    said = text.casefold()
    return [
        key
        for key, name in choices
        if any(re.search(rf"\b{re.escape(term)}\b", said) for term in _terms(key, name))
    ]


def from_referral(*, referral: Referral, experience_choices: list[tuple[str, str]]) -> Prefill:
    """What the referral suggests for the person's matching profile (only what it says)."""
    initial: dict[str, object] = {}
    experiences = experiences_named(
        f"{referral.conditions}\n{referral.lived_experience}", experience_choices
    )
    if experiences:
        initial["experiences"] = experiences
    sent = referral.person_as_sent or {}
    language = str(sent.get("language") or "").strip() or referral.person.language.strip()
    if language:
        initial["languages"] = language
    preferred = str(sent.get("preferred_contact") or "") or referral.person.preferred_contact
    if preferred == ContactMethod.PHONE:
        initial["modes"] = [Mode.PHONE.value]
    return Prefill(initial=initial)
