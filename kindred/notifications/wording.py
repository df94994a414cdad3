"""A message's wording lives in a template of the app that sends it, not in its services
(ADR-103): `<app>/jinja2/<app>/messages/<name>.jinja`, with two blocks, `subject` and `body`.

    {% block subject %}An urgent referral for {{ organisation }}{% endblock %}
    {% block body %}
    {{ organisation }} has received a referral ...
    {% endblock %}

Messages are plain text: nothing is HTML-escaped, each block is trimmed, and lines inside the
body are kept as written, so a paragraph is one line and a blank line separates paragraphs.
Text messages (`.../messages/sms/...`) are kept generic: no health details, and nothing more
about the person than their first name (docs/notifications.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, StrictUndefined


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


@cache
def _environment() -> Environment:
    from django.template import engines

    # The site's environment (its loader finds every app's jinja2/ folder), as plain text, and
    # strict: a missing value in a message is an error, not a blank.
    site: Environment = engines["jinja2"].env  # type: ignore[attr-defined]
    return site.overlay(autoescape=False, undefined=StrictUndefined)


def wording(template: str, **context: Any) -> Wording:
    """The subject and body of `template` (e.g. "referrals/messages/urgent.jinja")."""
    loaded = _environment().get_template(template)
    blocks = {}
    for name in ("subject", "body"):
        if name not in loaded.blocks:
            raise LookupError(f"The message template {template} has no {name} block")
        blocks[name] = "".join(loaded.blocks[name](loaded.new_context(context))).strip()
    return Wording(subject=" ".join(blocks["subject"].split()), body=blocks["body"])
