"""JSON API."""
