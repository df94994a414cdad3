"""Working days moved to `kindred.core.workdays` (safeguarding, below referrals, needs them too)."""

from kindred.core.workdays import add_working_days, is_working_day

__all__ = ["add_working_days", "is_working_day"]
