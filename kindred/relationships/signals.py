"""What the relationships app tells the apps above it, without knowing them (ADR-086).

A relationship is made from an accepted match (the matching app), but relationships sits below
matching and must not import it or change its rows. So the relationships services send these
signals, inside their own transaction, and an app that keeps something in step with a
relationship connects a receiver in its AppConfig.ready() that calls its own service:

    support_began.connect(on_support_began, dispatch_uid="matching.support_began")

Each is sent with `sender=Relationship` and keyword arguments `by` (the Acting of the service)
and `relationship` (the locked, saved Relationship). Receivers run in the same transaction: if
one raises, the whole change is rolled back and the error reaches the caller, so the
relationship and what follows it never disagree. `send`, not `send_robust`, for that reason.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Support has begun: the relationship became active for the first time (from introduced).
support_began = Signal()

#: The relationship has ended; each supporter has left it.
relationship_ended = Signal()
