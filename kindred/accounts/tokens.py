"""Links to set a password (ADR-073). Only a hash of each link's token is stored; the token
itself exists in the message the worker sends, and nowhere else.

A link is made in two steps. A request (someone forgot their password, or an admin added someone
new) records a `PasswordLink` with no token. The worker, at the moment it sends the message, makes
the token, stores its hash and when it expires, and puts the link in the message it hands to the
backend. A link works once, and not after it expires: an hour for a reset, a day for a first
set-up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models

from kindred.core.models import BaseModel

# The name of the worker's maker of password links (registered in notification_links.py): a
# message body holds `placeholder(PASSWORD_LINK, link id)` where the link goes.
PASSWORD_LINK = "accounts.password_link"  # noqa: S105 - a name, not a password


class PasswordLink(BaseModel):
    class Purpose(models.TextChoices):
        SET_UP = "set_up", "First set-up"
        RESET = "reset", "Reset"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_links"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    base_url = models.CharField(max_length=300, help_text="The site the link points to")
    token_hash = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the token; blank until sent"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.user_id}"


LIFETIME: dict[str, dt.timedelta] = {
    PasswordLink.Purpose.SET_UP: dt.timedelta(days=1),
    PasswordLink.Purpose.RESET: dt.timedelta(hours=1),
}
LIFETIME_IN_WORDS: dict[str, str] = {
    PasswordLink.Purpose.SET_UP: "24 hours",
    PasswordLink.Purpose.RESET: "1 hour",
}


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored: a fast hash is enough, since the token is random, not chosen by anyone."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
