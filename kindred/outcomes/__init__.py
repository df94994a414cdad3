"""Outcomes and evidence."""
