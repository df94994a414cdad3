"""A password validator for what Django's own do not catch: passwords built from the service's
name ("kindredkindred") or from the user's own name or email address ("NadiaHussain2026").
Configured in AUTH_PASSWORD_VALIDATORS with Django's length, common-password, numeric and
similarity validators (ADR-073)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

# Characters people put in place of letters. "1" stands for "i" or "l", so both are tried.
_LOOKALIKES = [
    str.maketrans({"0": "o", "1": "i", "!": "i", "|": "i", "3": "e", "4": "a", "@": "a",
                   "5": "s", "$": "s", "7": "t", "8": "b", "9": "g"}),
    str.maketrans({"0": "o", "1": "l", "!": "i", "|": "l", "3": "e", "4": "a", "@": "a",
                   "5": "s", "$": "s", "7": "t", "8": "b", "9": "g"}),
]  # fmt: skip
_NOT_A_LETTER = re.compile(r"[^a-z0-9]")


def _plain(text: str) -> str:
    """Lower case, accents dropped, only letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _readings(password: str) -> set[str]:
    """The password as letters and digits, with and without look-alikes read as letters."""
    plain = _plain(password)
    return {_NOT_A_LETTER.sub("", plain)} | {
        _NOT_A_LETTER.sub("", plain.translate(table)) for table in _LOOKALIKES
    }


def _words(texts: Iterable[str], shortest: int) -> list[str]:
    words: set[str] = set()
    for text in texts:
        plain = _plain(text)
        whole = _NOT_A_LETTER.sub("", plain)
        parts = [part for part in _NOT_A_LETTER.split(plain) if part]
        words.update(w for w in [whole, *parts] if len(w) >= shortest)
    return sorted(words, key=lambda w: (-len(w), w))


class NotBuiltFromNamesValidator:
    """Refuses a password that contains the service's name, or a part (of at least `shortest`
    letters) of the user's name or of their email address before the @, in any case, with
    spaces, punctuation or look-alike digits ("K1ndred") in between or instead."""

    def __init__(self, service_names: Sequence[str] | None = None, shortest: int = 3) -> None:
        names = service_names or [getattr(settings, "KINDRED_SERVICE_NAME", "Kindred")]
        self.service_names = list(names)
        self.shortest = shortest

    def validate(self, password: str, user: Any = None) -> None:
        readings = _readings(password)
        for name in self.service_names:
            word = _NOT_A_LETTER.sub("", _plain(name))
            if word and any(word in reading for reading in readings):
                raise ValidationError(
                    f"Your password must not contain the name of the service, {name}",
                    code="password_has_service_name",
                )
        if user is None:
            return
        email = str(getattr(user, "email", "") or "")
        own = [str(getattr(user, "full_name", "") or ""), email.split("@", 1)[0]]
        for word in _words(own, self.shortest):
            if any(word in reading for reading in readings):
                raise ValidationError(
                    "Your password must not contain your name or email address "
                    f"(it contains “{word}”)",
                    code="password_has_own_name",
                )

    def get_help_text(self) -> str:
        return (
            f"Your password must not contain {', '.join(self.service_names)}, your name or "
            "your email address."
        )
