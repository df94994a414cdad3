"""The links accounts puts in messages, made by the worker as it sends them (ADR-073)."""

from __future__ import annotations

from kindred.accounts.services import password_link_issue
from kindred.accounts.tokens import PASSWORD_LINK
from kindred.notifications.links import link_maker


@link_maker(PASSWORD_LINK)
def _password_link(reference: str, recipient: str) -> str | None:
    return password_link_issue(link_id=reference, recipient=recipient)
