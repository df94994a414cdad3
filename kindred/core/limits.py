"""Counting tries, to slow down anyone who repeats a public request too often (ADR-073).

The counts live in Django's cache, which is Redis when REDIS_URL is set, so a limit holds across
every web process; without Redis each process counts alone (right for one machine). Keys are
hashed, so the cache never holds an address or an email address in the clear.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, who: str) -> str:
    return f"kindred:limit:{scope}:{hashlib.sha256(who.encode('utf-8')).hexdigest()}"


def try_counted(*, scope: str, who: str | None, limit: int, per_seconds: int) -> bool:
    """Count one more try by `who` (an address, an email address) at `scope` (what they try),
    and say whether it is within `limit` tries in a window of `per_seconds` that starts with the
    first try. Adding and incrementing are each atomic in Redis, so processes cannot race past
    the limit together. Someone with no known address counts as one caller."""
    key = _key(scope, who or "unknown")
    cache.add(key, 0, timeout=per_seconds)
    try:
        tries = cache.incr(key)
    except ValueError:  # the window ended between add and incr: start a new one
        cache.set(key, 1, timeout=per_seconds)
        tries = 1
    return tries <= limit
