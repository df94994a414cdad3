"""Encrypting sensitive fields at rest with Fernet (the `cryptography` package): AES-128-CBC with
an HMAC-SHA256, so a changed or wrong-keyed value fails loudly instead of decrypting to rubbish.

The key comes from settings.KINDRED_FIELD_ENCRYPTION_KEY (environment variable of the same name,
or KINDRED_FIELD_ENCRYPTION_KEY_FILE). Several keys may be given, comma-separated, newest first:
values are written with the first and read with any, so keys can be rotated (ADR-030).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

KEY_SETTING = "KINDRED_FIELD_ENCRYPTION_KEY"


def keys_from(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def check_keys(value: str) -> None:
    """Raise ImproperlyConfigured, naming the setting, unless `value` holds usable Fernet keys."""
    keys = keys_from(value)
    if not keys:
        raise ImproperlyConfigured(
            f"{KEY_SETTING} (or {KEY_SETTING}_FILE) must be set: it encrypts DBS certificate "
            "numbers. Make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    for key in keys:
        try:
            Fernet(key.encode())
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                f"{KEY_SETTING} is not a valid Fernet key (32 url-safe base64-encoded bytes)."
            ) from error


@cache
def _fernet(value: str) -> MultiFernet:
    check_keys(value)
    return MultiFernet([Fernet(key.encode()) for key in keys_from(value)])


def fernet() -> MultiFernet:
    return _fernet(getattr(settings, KEY_SETTING, "") or "")


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise ImproperlyConfigured(
            f"A stored value cannot be decrypted with {KEY_SETTING}: was the key changed "
            "without keeping the old one in the list?"
        ) from error


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """Holds text encrypted in the database and plain in Python. Cannot be searched or sorted.
    A blank value is stored as an empty string (there is nothing to hide) and read back as one."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return value if not value else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
