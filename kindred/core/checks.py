"""Deployment checks (`manage.py check --deploy`): secrets whose values are public, and two-step
verification switched off. Django's own checks cover HTTPS, cookies and the key's length; these
cover what only Kindred knows. Registered in kindred/core/apps.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from kindred.core.environment import PUBLIC_FIELD_ENCRYPTION_KEYS, PUBLIC_SECRET_KEYS


def _is_public(value: str, public: frozenset[str]) -> bool:
    return value in public or "change-me" in value.lower()


@register(Tags.security, deploy=True)
def public_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """SECRET_KEY signs sessions and password-reset links; the field key encrypts DBS numbers and
    plans. Anyone can read the development values in this repository, so they must not be used."""
    problems: list[CheckMessage] = []
    secret_keys = [
        str(settings.SECRET_KEY),
        *map(str, getattr(settings, "SECRET_KEY_FALLBACKS", [])),
    ]
    if any(_is_public(key, PUBLIC_SECRET_KEYS) for key in secret_keys):
        problems.append(
            Error(
                "SECRET_KEY is a development value that is published with Kindred's source code, "
                "so anyone could sign in as any user.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to 50 or more random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="kindred.E001",
            )
        )
    field_keys = [
        key.strip() for key in str(settings.KINDRED_FIELD_ENCRYPTION_KEY).split(",") if key.strip()
    ]
    if any(_is_public(key, PUBLIC_FIELD_ENCRYPTION_KEYS) for key in field_keys):
        problems.append(
            Error(
                "KINDRED_FIELD_ENCRYPTION_KEY includes a development key that is published with "
                "Kindred's source code, so anyone could read the encrypted DBS numbers and plans.",
                hint="Generate a key with python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())' and set KINDRED_FIELD_ENCRYPTION_KEY "
                "(or KINDRED_FIELD_ENCRYPTION_KEY_FILE) to it.",
                id="kindred.E002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def two_factor_on(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "KINDRED_TWO_FACTOR", True):
        return []
    return [
        Warning(
            "KINDRED_TWO_FACTOR is off: anyone who learns a user's password can read the people "
            "of their organisation.",
            hint="Remove KINDRED_TWO_FACTOR=false from the environment (two-step verification "
            "is on by default).",
            id="kindred.W001",
        )
    ]
