"""The links accounts puts in messages, made by the worker as it sends them (ADR-073)."""

from __future__ import annotations

from kindred.notifications.links import link_maker

PASSWORD_LINK = "accounts.password_link"  # noqa: S105 - a name, not a password


@link_maker(PASSWORD_LINK)
def _password_link(reference: str, recipient: str) -> str | None:
    from kindred.accounts.services import password_link_issue

    return password_link_issue(link_id=reference, recipient=recipient)
