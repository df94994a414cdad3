"""Writes of the crisis line's support requests. The rota's writes are in
kindred/crisis/rota_services.py (settings, shifts, the solver's build, hand edits, availability,
swaps, hours)."""

from __future__ import annotations
