"""Making and checking API tokens' values (the model is models_api.ApiToken). Pure; no Django.

A token is "kindred_" + 43 URL-safe characters from `secrets` (256 bits). Kindred stores its
SHA-256: a token this long cannot be guessed, so a slow password hash adds nothing (see ADR-021).
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "kindred_"


def make_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def display_prefix(token: str) -> str:
    return token[: len(PREFIX) + 6]
