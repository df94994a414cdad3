"""Where notifications go, chosen by KINDRED_NOTIFICATIONS_BACKEND (ADR-103):

- "console": the log, for running locally;
- "file": one JSON line per message in KINDRED_NOTIFICATIONS_FILE, for demos and tests;
- "smtp": email through Django's SMTP settings (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
  EMAIL_HOST_PASSWORD or _FILE, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL);
- "notify": GOV.UK Notify (email and text messages) through the official client, with one generic
  template per channel whose personalisation is `subject` and `body` (docs/notifications.md).

A backend is given a `Message`: the notification as it is sent, with any link filled in by the
worker (ADR-073). The console backend logs the message with its links taken out; the file
backend writes it whole, links included, because showing it is its job. The production backends hand the message to their service and never log
it: what they answer (an `Answer`, or a `Retry` or `Refused` exception) names the service's
status code and reason, never the body.
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("kindred.notifications")

BACKENDS = ("console", "file", "smtp", "notify")


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
    about: str = ""
    #: The links made for this message (password links and the like): a backend that logs
    #: anything takes them out first.
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the service said when it took the message, or when asked how it went.

    `state` is "sent" (accepted: read the delivery status back later with `provider_id`),
    "delivered", or, for a status read-back, "pending" (ask again later)."""

    state: str
    answer: str
    provider_id: str = ""


class Retry(Exception):
    """The service could not take the message now (rate limit, outage, network): try again."""


class Refused(Exception):
    """The service will never take this message as it is (bad number, bad key): do not retry."""


class Backend(Protocol):
    #: Whether the worker reads each message's delivery status back after it is sent.
    reads_status: bool

    def send(self, message: Message) -> Answer: ...

    def status(self, provider_id: str) -> Answer: ...


class _NoReadBack:
    reads_status = False

    def status(self, provider_id: str) -> Answer:
        raise NotImplementedError("this backend does not read delivery status back")


class ConsoleBackend(_NoReadBack):
    """Development only: writes each message to the log, with any link (a password link) taken
    out, because logs are kept and read by others. The `file` backend keeps links, for trying
    them locally (`make run` uses it)."""

    def send(self, message: Message) -> Answer:
        body = message.body
        for link in message.links:
            body = body.replace(link, "[link removed: the file backend keeps links]")
        logger.info(
            "%s to %s: %s\n%s",
            message.channel_label,
            message.recipient,
            message.subject,
            body,
        )
        return Answer("sent", "written to the log")


class FileBackend(_NoReadBack):
    """Development, demos and tests: appends each message, links and all, to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: Message) -> Answer:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "id": message.id,
            "channel": message.channel,
            "to": message.recipient,
            "subject": message.subject,
            "body": message.body,
            "kind": message.kind,
            "about": message.about,
        }
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
        return Answer("sent", f"written to {self.path.name}")


class SmtpBackend(_NoReadBack):
    """Email through an SMTP relay, with Django's email settings. A 4xx answer or a connection
    that fails is tried again; a 5xx answer (the relay will never take it) is not."""

    def send(self, message: Message) -> Answer:
        from django.core.mail import EmailMessage, get_connection

        if message.channel != "email":
            raise Refused("the smtp backend sends email only, not text messages")
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"X-Kindred-Message": message.id},
            connection=get_connection(
                "django.core.mail.backends.smtp.EmailBackend", fail_silently=False
            ),
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            raise (Retry if 400 <= code < 500 else Refused)(_smtp_answer(code, reason)) from None
        except smtplib.SMTPResponseException as error:
            raise (Retry if 400 <= error.smtp_code < 500 else Refused)(
                _smtp_answer(error.smtp_code, error.smtp_error)
            ) from None
        except (smtplib.SMTPException, OSError) as error:  # refused connection, timeout, TLS
            raise Retry(f"{type(error).__name__}: {error}") from None
        return Answer("sent", "250 accepted by the mail relay")


def _smtp_answer(code: int, reason: bytes | str) -> str:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return f"{code} {text}"


#: GOV.UK Notify's statuses: still on its way, or final.
NOTIFY_PENDING = frozenset({"created", "sending", "pending", "accepted", "received"})
NOTIFY_DELIVERED = frozenset({"delivered", "sent"})  # "sent": to an international number


class NotifyBackend:
    """GOV.UK Notify. 201 means Notify has accepted the message ("sent"); the worker then asks
    for its status (`get_notification_by_id`) until it is delivered or has failed for good.
    429 and 5xx answers, and no answer at all, are tried again; any other 4xx is refused."""

    reads_status = True

    def __init__(self, api_key: str, base_url: str, templates: dict[str, str]) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        options: dict[str, Any] = {"base_url": base_url} if base_url else {}
        self.client = NotificationsAPIClient(api_key, timeout=15, **options)  # type: ignore[no-untyped-call]
        self.templates = templates

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from notifications_python_client.errors import APIError, HTTPError

        try:
            return dict(method(*args, **kwargs))
        except HTTPError as error:
            answer = f"{error.status_code} {_notify_reason(error.message)}"
            if error.status_code == 429 or error.status_code >= 500:
                raise Retry(answer) from None
            raise Refused(answer) from None
        except (APIError, OSError) as error:
            raise Retry(f"{type(error).__name__}: no answer from GOV.UK Notify") from None

    def send(self, message: Message) -> Answer:
        personalisation = {"subject": message.subject, "body": message.body}
        template = self.templates[message.channel]
        if message.channel == "sms":
            response = self._call(
                self.client.send_sms_notification,
                phone_number=message.recipient,
                template_id=template,
                personalisation=personalisation,
                reference=message.id,
            )
        else:
            response = self._call(
                self.client.send_email_notification,
                email_address=message.recipient,
                template_id=template,
                personalisation=personalisation,
                reference=message.id,
            )
        return Answer("sent", "201 accepted by GOV.UK Notify", provider_id=str(response["id"]))

    def status(self, provider_id: str) -> Answer:
        response = self._call(self.client.get_notification_by_id, provider_id)
        status = str(response.get("status", ""))
        if status in NOTIFY_DELIVERED:
            return Answer("delivered", f"200 {status}", provider_id)
        if status in NOTIFY_PENDING:
            return Answer("pending", f"200 {status}", provider_id)
        raise Refused(f"200 {status or 'no status'}")  # permanent-, temporary-, technical-failure


def _notify_reason(message: Any) -> str:
    """Notify's errors come as [{"error": "BadRequestError", "message": "..."}]."""
    if isinstance(message, list):
        return "; ".join(
            f"{item.get('error', '')}: {item.get('message', '')}".strip(": ")
            if isinstance(item, dict)
            else str(item)
            for item in message
        )
    return str(message)


def notify_templates() -> dict[str, str]:
    return {
        "sms": str(getattr(settings, "NOTIFY_SMS_TEMPLATE_ID", "") or ""),
        "email": str(getattr(settings, "NOTIFY_EMAIL_TEMPLATE_ID", "") or ""),
    }


def backend_name() -> str:
    return str(getattr(settings, "KINDRED_NOTIFICATIONS_BACKEND", "console"))


def backend() -> Backend:
    name = backend_name()
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend(Path(str(settings.KINDRED_NOTIFICATIONS_FILE)))
    if name == "smtp":
        return SmtpBackend()
    if name == "notify":
        return NotifyBackend(
            api_key=str(getattr(settings, "NOTIFY_API_KEY", "") or ""),
            base_url=str(getattr(settings, "NOTIFY_BASE_URL", "") or ""),
            templates=notify_templates(),
        )
    raise ImproperlyConfigured(
        f"KINDRED_NOTIFICATIONS_BACKEND={name!r} is not one of: {', '.join(BACKENDS)}"
    )


def smtp_reachable(host: str, port: int, timeout: float = 5) -> str:
    """ "" if an SMTP server answers at host:port, otherwise why not (for `kindred check`)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return ""
    except OSError as error:
        return error.strerror or type(error).__name__
