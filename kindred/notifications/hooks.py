"""What happens when a message finally fails (ADR-103).

A message that cannot be sent (a 400 from GOV.UK Notify, or a 429 or 5xx still there after every
retry) or that the service reports undeliverable is marked failed, and every hook registered with
`on_failure` is called with it, in the worker, in the same transaction that records the failure.
Whatever depended on the message moves on from there: the safeguarding and crisis-line apps
register a hook that escalates to the next person or channel (`kind` and `target_type`/
`target_id`, i.e. `about`, say which message and which record).

Each hook runs in its own savepoint: one that raises is logged and undone, and neither stops the
others nor undoes the failure being recorded. A hook must be quick and must not send the same
message again; it queues whatever comes next (`notification_send`, or a task with `run_after`).

    from kindred.notifications.hooks import on_failure

    @on_failure
    def escalate(notification):
        if notification.kind == "crisis.call_back":
            ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from kindred.notifications.models import Notification

logger = logging.getLogger("kindred.notifications")

FailureHook = Callable[["Notification"], object]

_HOOKS: dict[str, FailureHook] = {}


def on_failure(hook: FailureHook) -> FailureHook:
    """Register `hook` (once, by its module and name) to be called with each failed message."""
    _HOOKS[f"{hook.__module__}.{hook.__qualname__}"] = hook
    return hook


def hooks() -> dict[str, FailureHook]:
    return dict(_HOOKS)


def message_failed(notification: Notification) -> None:
    """Call every hook with the failed message (the worker does this; so can tests)."""
    for name, hook in sorted(_HOOKS.items()):
        try:
            with transaction.atomic():
                hook(notification)
        except Exception:
            logger.exception("Message failure hook %s failed for message %s", name, notification.pk)
