"""Public directory of groups."""
