"""Kindred's own checks of how messages are sent, run by `kindred check` (and so before `kindred
serve` and `kindred worker` start) and by `manage.py check` (ADR-103): a backend that would fail
at 2 a.m. is reported at start-up instead. Registered in NotificationsConfig.ready()."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from kindred.notifications.backends import BACKENDS, backend_name, smtp_reachable

TAG = "kindred_notifications"

#: A GOV.UK Notify API key is "{key name}-{service id}-{secret}", both ids UUIDs: the official
#: client reads the last 73 characters so.
NOTIFY_KEY = re.compile(
    r"^[A-Za-z0-9_.-]+-(?P<service>[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})"
    r"-(?P<secret>[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$"
)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@register(TAG)
def backend_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    name = backend_name()
    if name not in BACKENDS:
        return [
            Error(
                f"KINDRED_NOTIFICATIONS_BACKEND={name!r} is not a notifications backend.",
                hint=f"Set it to one of: {', '.join(BACKENDS)}.",
                id="kindred.E101",
            )
        ]
    if name == "notify":
        return _notify_problems()
    if name == "smtp":
        return _smtp_problems()
    return []


def _notify_problems() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    key = str(getattr(settings, "NOTIFY_API_KEY", "") or "")
    if not key:
        problems.append(
            Error(
                "KINDRED_NOTIFICATIONS_BACKEND is notify but NOTIFY_API_KEY is not set, so no "
                "message can be sent.",
                hint="Set NOTIFY_API_KEY (or NOTIFY_API_KEY_FILE) to a live API key from GOV.UK "
                "Notify's API integration page.",
                id="kindred.E102",
            )
        )
    elif not NOTIFY_KEY.fullmatch(key):
        # The key itself is never repeated: a check's output reaches logs.
        problems.append(
            Error(
                f"NOTIFY_API_KEY is not a GOV.UK Notify API key ({len(key)} characters; a key is "
                "its name, the service id and the secret, joined by hyphens).",
                hint="Copy the whole key from GOV.UK Notify: it ends with two ids of 36 "
                "characters each.",
                id="kindred.E103",
            )
        )
    for name in ("NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_EMAIL_TEMPLATE_ID"):
        value = str(getattr(settings, name, "") or "")
        if not _is_uuid(value):
            problems.append(
                Error(
                    f"{name} is {'not set' if not value else 'not a template id'}: messages on "
                    "that channel cannot be sent.",
                    hint="Make a template in GOV.UK Notify whose subject is ((subject)) (email "
                    "only) and whose message is ((body)), and set its id here (docs/notifications.md).",
                    id="kindred.E104",
                )
            )
    base_url = str(getattr(settings, "NOTIFY_BASE_URL", "") or "")
    if base_url:
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except ValidationError:
            problems.append(
                Error(
                    f"NOTIFY_BASE_URL={base_url!r} is not a web address.",
                    hint="Leave it unset to use GOV.UK Notify itself.",
                    id="kindred.E105",
                )
            )
    return problems


def _smtp_problems() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    try:
        validate_email(str(settings.DEFAULT_FROM_EMAIL))
    except ValidationError:
        problems.append(
            Error(
                f"DEFAULT_FROM_EMAIL={settings.DEFAULT_FROM_EMAIL!r} is not an email address.",
                hint="Set DEFAULT_FROM_EMAIL to the address Kindred's email comes from.",
                id="kindred.E106",
            )
        )
    host, port = str(settings.EMAIL_HOST), int(settings.EMAIL_PORT)
    why = smtp_reachable(host, port)
    if why:
        problems.append(
            Error(
                f"The SMTP server {host}:{port} cannot be reached ({why}), so no email can be sent.",
                hint="Check EMAIL_HOST and EMAIL_PORT, and that this machine may connect to it.",
                id="kindred.E107",
            )
        )
    return problems


@register(TAG, deploy=True)
def messages_leave_the_machine(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if backend_name() not in {"console", "file"}:
        return []
    return [
        Warning(
            f"KINDRED_NOTIFICATIONS_BACKEND is {backend_name()!r}: messages (password links, "
            "urgent referrals, escalations) are written on this machine, not sent.",
            hint="Set KINDRED_NOTIFICATIONS_BACKEND to notify or smtp (docs/notifications.md).",
            id="kindred.W101",
        )
    ]
