"""Links that must not be stored: a message body holds a reference, and the worker asks the app
that owns the reference for a fresh link at the moment it sends the message (ADR-073).

An app registers a maker under a name (in its `notification_links.py`, found at start-up) and
puts `placeholder(name, reference)` where the link goes in a body. The stored body, the queue
and the log never hold the link; only the message handed to the backend does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A maker gets the reference and the notification's recipient, and returns the link, or None
# when the reference no longer leads anywhere (used, withdrawn, or not for that recipient).
LinkMaker = Callable[[str, str], "str | None"]

_MAKERS: dict[str, LinkMaker] = {}
_PLACEHOLDER = re.compile(r"\{link:(?P<maker>[a-z][a-z0-9_.]*):(?P<reference>[0-9a-f-]{36})\}")
NO_LONGER_VALID = "(this link is no longer valid: ask for a new one)"


def link_maker(name: str) -> Callable[[LinkMaker], LinkMaker]:
    """Register a maker under `name` (letters, digits, dots and underscores)."""
    if not re.fullmatch(r"[a-z][a-z0-9_.]*", name):
        raise ValueError(f"{name!r} is not a link maker name")

    def register(maker: LinkMaker) -> LinkMaker:
        _MAKERS[name] = maker
        return maker

    return register


def placeholder(name: str, reference: str) -> str:
    """What a body holds where the link goes."""
    if name not in _MAKERS:
        raise LookupError(f"No link maker is registered as {name!r}")
    text = f"{{link:{name}:{reference}}}"
    if not _PLACEHOLDER.fullmatch(text):
        raise ValueError(f"{reference!r} is not a reference a link can be made from")
    return text


def rendered(body: str, *, recipient: str) -> tuple[str, list[str]]:
    """The body with each placeholder replaced by a link made now, and the links made (so that
    they can be kept out of any error recorded). A reference nobody can make a link from reads
    as a plain sentence instead."""
    made: list[str] = []

    def fill(match: re.Match[str]) -> str:
        maker = _MAKERS.get(match["maker"])
        link = maker(match["reference"], recipient) if maker is not None else None
        if link is None:
            return NO_LONGER_VALID
        made.append(link)
        return link

    return _PLACEHOLDER.sub(fill, body), made


def without_links(text: str, links: list[str]) -> str:
    """`text` (an error message, say) with any of `links` taken out."""
    for link in links:
        text = text.replace(link, "[link removed]")
    return text


def shown_without_links(body: str) -> str:
    """A stored body as a page shows it: each link's place marked, no link made."""
    return _PLACEHOLDER.sub("[link]", body)
