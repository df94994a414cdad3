"""Where notifications go. Chosen by KINDRED_NOTIFICATIONS_BACKEND: "console" (the log, for
running locally) or "file" (one JSON line per message in KINDRED_NOTIFICATIONS_FILE, for demos and
tests). Email and GOV.UK Notify backends come with the crisis line work.

A backend is given a `Message`: the notification as it is sent, with any link filled in by the
worker (ADR-073). These two development backends show the whole message, links included, because
showing it is their job. A production backend hands the message to its service and must never
log its body."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("kindred.notifications")


@dataclass(frozen=True)
class Message:
    """One message as it goes out. Built by the worker; never saved."""

    id: str
    channel: str
    channel_label: str
    recipient: str
    subject: str
    body: str
    kind: str


class Backend(Protocol):
    def send(self, message: Message) -> None: ...


class ConsoleBackend:
    """Development only: writes each message, links and all, to the log."""

    def send(self, message: Message) -> None:
        logger.info(
            "%s to %s: %s\n%s",
            message.channel_label,
            message.recipient,
            message.subject,
            message.body,
        )


class FileBackend:
    """Development, demos and tests: appends each message, links and all, to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: Message) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "id": message.id,
            "channel": message.channel,
            "to": message.recipient,
            "subject": message.subject,
            "body": message.body,
            "kind": message.kind,
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
