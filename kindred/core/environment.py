"""Read settings from the environment, with `NAME_FILE` for secrets mounted as files.

The settings modules (`kindred.config.settings.*`) import it, and so do the deployment checks
(`kindred.core.checks`), which must know which secrets are published: it lives in core so that
core imports nothing above it (ADR-087). Pure: no Django settings are needed to import it."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Secrets whose values are public, because they are written in this repository for local running,
# the test suite and the .env.tpl example. Local and test settings use them; production must not:
# `manage.py check --deploy` fails on any of them (kindred/core/checks.py).
LOCAL_SECRET_KEY = "local-only-not-secret-kindred-development-key-change-me"  # noqa: S105
TEST_SECRET_KEY = "test-only-not-secret-kindred-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
EXAMPLE_SECRET_KEY = "CHANGE-ME-to-50-or-more-random-characters"  # noqa: S105
LOCAL_FIELD_ENCRYPTION_KEY = "bG9jYWwtb25seS1ub3Qtc2VjcmV0LWtpbmRyZWQta2U="
TEST_FIELD_ENCRYPTION_KEY = "dGVzdC1vbmx5LW5vdC1zZWNyZXQta2luZHJlZC1rZXk="
PUBLIC_SECRET_KEYS = frozenset({LOCAL_SECRET_KEY, TEST_SECRET_KEY, EXAMPLE_SECRET_KEY})
PUBLIC_FIELD_ENCRYPTION_KEYS = frozenset({LOCAL_FIELD_ENCRYPTION_KEY, TEST_FIELD_ENCRYPTION_KEY})


def env(name: str, default: str | None = None) -> str | None:
    """The value of NAME, or the contents of the file named by NAME_FILE, or the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE={file_name} cannot be read: {error.strerror}"
            ) from error
    return os.environ.get(name, default)


def env_list(name: str, default: str = "") -> list[str]:
    value = env(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SUPPORTED_DATABASES = {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}


def database_from_url(url: str) -> dict[str, Any]:
    """Parse DATABASE_URL; any mistake becomes one ImproperlyConfigured line naming the problem."""
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
    except Exception as error:  # dj-database-url raises ValueError and others
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a usable database URL ({error}). "
            "Use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name."
        ) from error
    if config.get("ENGINE") not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported database ({config.get('ENGINE')}); "
            "Kindred runs on SQLite or PostgreSQL."
        )
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
        }
    return config


def env_proxies(name: str, default: str = "") -> tuple[str, ...]:
    """Addresses or networks (CIDR) of the proxies in front of Kindred, comma-separated.

    The same variable gunicorn reads (`--forwarded-allow-ips`). `*` is refused: it would let any
    client choose the address that lockout and rate limits count against."""
    proxies: list[str] = []
    for item in env_list(name, default):
        if item == "*":
            raise ImproperlyConfigured(
                f"{name}=* would trust any client to say where it is connecting from. "
                "List the addresses or networks of your proxies instead, e.g. 10.0.0.10,10.0.1.0/24."
            )
        try:
            proxies.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name} has {item!r}, which is not an IP address or network ({error})."
            ) from error
    return tuple(proxies)
