"""Start-up check: a configured field-encryption key must be a usable Fernet key, so a typo is
found when Kindred starts, not when a coordinator first records a DBS check."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from kindred.volunteers.encryption import KEY_SETTING, check_keys


def encryption_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    value = getattr(settings, KEY_SETTING, "") or ""
    try:
        check_keys(value)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="kindred.volunteers.E001")]
    return []
