"""Writes of the crisis line. The rota's writes live in kindred/crisis/rota_services.py; this module
re-exports them so callers have one place to look."""

from __future__ import annotations
