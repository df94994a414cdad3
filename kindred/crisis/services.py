"""Writes of the crisis line's support requests. The rota's writes are in
kindred/crisis/rota_services.py (settings, shifts, the solver's build, hand edits, availability,
swaps, hours)."""

from __future__ import annotations

# Support requests (kindred/crisis/requests_services.py; ADR-117).
from kindred.crisis.requests_services import (
    AlreadyTaken,
    NoWayToReach,
    RequestError,
    support_request_accept,
    support_request_acknowledge,
    support_request_advance,
    support_request_close,
    support_request_concern,
    support_request_escalate,
    support_request_link_person,
    support_request_receive,
    support_request_supervision_ask,
)

__all__ = [
    "AlreadyTaken",
    "NoWayToReach",
    "RequestError",
    "support_request_accept",
    "support_request_acknowledge",
    "support_request_advance",
    "support_request_close",
    "support_request_concern",
    "support_request_escalate",
    "support_request_link_person",
    "support_request_receive",
    "support_request_supervision_ask",
]
