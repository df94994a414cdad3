"""The out-of-hours peer crisis line."""
