"""The rota's worker tasks and daily jobs: building a rota with the solver, the gaps digest,
counting ended shifts in the hours ledger, and (in the demo's settings) keeping the rota covering
the days ahead."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from kindred.accounts.models import Organisation, User
from kindred.core.daily import daily_job
from kindred.core.services import Acting
from kindred.crisis import rota_selectors, rota_services
from kindred.crisis.models.rota import Rota
from kindred.notifications.services import notification_send
from kindred.volunteers import selectors as volunteer_selectors

logger = logging.getLogger(__name__)

#: How far ahead the daily digest looks for gaps.
DIGEST_DAYS = 28


@task()
def rota_build(rota_id: str, by_user_id: str = "") -> str:
    """Build a rota with the solver (queued by `rota_services.rota_build_ask`)."""
    rota = Rota.objects.select_related("organisation").filter(pk=uuid.UUID(rota_id)).first()
    if rota is None:
        return "gone"
    user = User.objects.filter(pk=by_user_id).first() if by_user_id else None
    by = Acting(user, rota.organisation, label="" if user else "rota build")
    try:
        solution = rota_services.rota_solve(by=by, rota=rota)
    except Exception:
        logger.exception("Rota %s could not be built", rota_id)
        rota_services.rota_build_failed(
            rota_id=rota.pk, note="Something went wrong building the rota: try again"
        )
        return "failed"
    return solution.status


def gaps_digest_send(*, days: int = DIGEST_DAYS) -> int:
    """Tell each organisation's coordinators about the gaps in the weeks ahead (one message each,
    only when there are gaps). Returns how many messages were queued."""
    sent = 0
    now = timezone.now()
    organisations = Organisation.objects.filter(is_active=True, shifts__ends_at__gt=now).distinct()
    for organisation in organisations:
        gaps = rota_selectors.gaps_ahead(organisation=organisation, days=days)
        if not gaps:
            continue
        by = Acting.system("crisis rota digest", organisation=organisation)
        for coordinator in volunteer_selectors.coordinators_of(organisation=organisation):
            notification_send(
                by=by, to=coordinator.email, kind="rota.gaps_digest",
                template="crisis/rota/messages/gaps_digest.jinja",
                context={"gaps": gaps[:30], "more": max(0, len(gaps) - 30), "days": days},
            )  # fmt: skip
            sent += 1
    return sent


@daily_job
def rota_gaps_digest() -> None:
    """The worker runs this each morning (kindred.core.daily)."""
    gaps_digest_send()


@daily_job
def rota_shift_hours() -> None:
    """Ended shifts count in the volunteer hours ledger, once."""
    rota_services.shift_hours_record()


def keep_covered() -> int:
    """Organisations named in KINDRED_CRISIS_KEEP_COVERED (the demo's settings) keep a rota with
    supporters for every shift of the days ahead."""
    filled = 0
    wanted: dict[str, int] = getattr(settings, "KINDRED_CRISIS_KEEP_COVERED", {})
    for organisation in Organisation.objects.filter(slug__in=wanted).order_by("slug"):
        by = Acting.system("crisis rota cover", organisation=organisation)
        filled += rota_services.rota_cover_ahead(by=by, days=wanted[organisation.slug])
    return filled


@daily_job
def rota_keep_covered() -> None:
    keep_covered()
