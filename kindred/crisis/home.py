"""The crisis line's panels on the home page."""

from __future__ import annotations
