"""The Jinja2 environment: NHS.UK macros, URL reversing, static files and Europe/London times."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, Environment

from kindred.accounts.presenters import role_label
from kindred.core import presenters
from kindred.core.pages import nav_items_for
from kindred.nhsuk_forms.rendering import error_summary_items, field


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    # The NHS.UK macros read parameters that may be missing ("params.x.y | default(...)"), as
    # nhsuk-frontend-jinja documents: ChainableUndefined, whatever Django would choose.
    options["undefined"] = ChainableUndefined
    env = Environment(**options)  # noqa: S701 - Django's Jinja2 backend turns autoescape on
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "service_name": settings.KINDRED_SERVICE_NAME,
            "nhsuk_field": field,
            "error_summary_items": error_summary_items,
            "nav_items_for": nav_items_for,
            "count_of": presenters.count_of,
        }
    )
    env.filters.update(
        {
            "local_datetime": presenters.local_datetime,
            "local_date": presenters.local_date,
            "role_label": role_label,
            "suppressed": presenters.suppressed_count,
            "in_a_sentence": presenters.in_a_sentence,
        }
    )
    return env
