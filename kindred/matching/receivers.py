"""Matching keeps its matches in step with the relationships they made. The relationships app,
below matching, cannot call matching's services; it sends a signal inside its own transaction
instead (`kindred.relationships.signals`, ADR-086), and these receivers, connected in
`MatchingConfig.ready`, call matching's services. Being in the same transaction, a match and
its relationship never disagree: if a receiver fails, the relationship's change is undone."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kindred.core.services import Acting
from kindred.matching import services
from kindred.referrals import signals as referral_signals
from kindred.referrals.models import Referral
from kindred.relationships import signals
from kindred.relationships.models import Relationship


def on_support_began(*, by: Acting, relationship: Relationship, **_: Any) -> None:
    services.matches_started(by=by, relationship=relationship)


def on_relationship_ended(*, by: Acting, relationship: Relationship, **_: Any) -> None:
    services.matches_ended(by=by, relationship=relationship)


def on_referral_waiting(*, by: Acting, referral: Referral, **_: Any) -> None:
    """Someone new is waiting: once the referral's change commits, the worker works the
    organisation's suggestions out again (ADR-101; one run at a time, so a burst of accepts
    queues one run)."""
    organisation = referral.organisation
    transaction.on_commit(
        lambda: services.suggestions_queue(by=by, organisation=organisation), robust=True
    )


def connect() -> None:
    referral_signals.referral_waiting.connect(
        on_referral_waiting, sender=Referral, dispatch_uid="matching.referral_waiting"
    )
    signals.support_began.connect(
        on_support_began, sender=Relationship, dispatch_uid="matching.support_began"
    )
    signals.relationship_ended.connect(
        on_relationship_ended, sender=Relationship, dispatch_uid="matching.relationship_ended"
    )
