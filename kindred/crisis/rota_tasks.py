"""The rota's worker tasks and daily jobs."""

from __future__ import annotations
