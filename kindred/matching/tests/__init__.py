"""Tests for the matching engine (pure; no database)."""
