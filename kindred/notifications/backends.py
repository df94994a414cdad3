"""Where notifications go. Chosen by KINDRED_NOTIFICATIONS_BACKEND: "console" (the log, for
running locally) or "file" (one JSON line per message in KINDRED_NOTIFICATIONS_FILE, for demos and
tests). Email and GOV.UK Notify backends come with the crisis line work."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kindred.notifications.models import Notification

logger = logging.getLogger("kindred.notifications")


class Backend(Protocol):
    def send(self, notification: Notification) -> None: ...


class ConsoleBackend:
    def send(self, notification: Notification) -> None:
        logger.info(
            "%s to %s: %s\n%s",
            notification.get_channel_display(),
            notification.recipient,
            notification.subject,
            notification.body,
        )


class FileBackend:
    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, notification: Notification) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "id": str(notification.pk),
            "channel": notification.channel,
            "to": notification.recipient,
            "subject": notification.subject,
            "body": notification.body,
            "kind": notification.kind,
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def backend() -> Backend:
    name = getattr(settings, "KINDRED_NOTIFICATIONS_BACKEND", "console")
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend(Path(str(settings.KINDRED_NOTIFICATIONS_FILE)))
    raise ImproperlyConfigured(
        f"KINDRED_NOTIFICATIONS_BACKEND={name!r} is not one of: console, file"
    )
