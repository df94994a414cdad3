"""What the referrals app tells the apps above it, without knowing them (ADR-086, ADR-101).

Sent by the referrals services inside their own transaction, with `sender=Referral` and keyword
arguments `by` (the Acting of the service) and `referral` (the locked, saved Referral). A
receiver that does slow work queues it with `transaction.on_commit`, so the referral's
transaction neither waits for it nor commits without it.
"""

from __future__ import annotations

from django.dispatch import Signal

#: The referral has begun waiting for a match (accepted for one-to-one support or befriending).
referral_waiting = Signal()
