"""Log filters. A refused request (403) is expected, routine and already audited where it touches
someone's record, so it is logged as one line: Django logs it with the PermissionDenied traceback,
which buries real errors in a log nobody can read."""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    """Drops the traceback from django.request's 403 entries; everything else passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
