"""Matching people with peer supporters and befrienders."""
