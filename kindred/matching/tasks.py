"""The worker works matching suggestions out (ADR-101): pages read what it kept, never compute
them. A run is queued by a coordinator ("Work them out again"), after something matching uses
has changed (a person put in matching's queue, a match accepted or turned down), and each morning
for every organisation with people waiting (kindred.core.daily)."""

from __future__ import annotations

import logging
import time
import uuid

from django_tasks import task

from kindred.accounts.models import Organisation
from kindred.core.daily import daily_job
from kindred.core.services import Acting
from kindred.matching import runs, selectors, services, suggest
from kindred.matching.models import SuggestionRun

logger = logging.getLogger(__name__)

#: Progress is written at most this often (seconds), so a big run is not slowed by its own
#: progress reports.
PROGRESS_EVERY = 1.0


def work_out(run: SuggestionRun) -> None:
    """Work out and keep the suggestions for a run the worker has taken."""
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done in (0, total) or now - last >= PROGRESS_EVERY:
            last = now
            services.suggestion_run_progress(run=run, done=done, total=total)

    organisation = run.organisation
    try:
        if run.network:
            suggestion = suggest.suggest_network(
                organisation=organisation, referral=run.referral, progress=progress
            )
        else:
            suggestion = suggest.suggest(
                organisation=organisation, referral=run.referral, progress=progress
            )
    except Exception as failed:
        logger.exception("matching suggestions run %s failed", run.pk)
        services.suggestion_run_finished(
            run=run, proposals=None, error=f"{type(failed).__name__}: {failed}"
        )
        return
    services.suggestion_run_finished(run=run, proposals=runs.stored(suggestion))


@task()
def work_out_suggestions(run_id: str) -> str:
    run = services.suggestion_run_started(run_id=uuid.UUID(run_id))
    if run is None:
        return "not queued"
    work_out(run)
    return run.status


@daily_job
def queue_suggestions() -> None:
    """Each morning, suggestions afresh for every active organisation with people waiting (a
    run already queued or running is left to finish)."""
    for organisation in Organisation.objects.filter(is_active=True).order_by("slug"):
        if selectors.people_waiting(organisation=organisation).exists():
            services.suggestions_queue(
                by=Acting.system("daily matching suggestions", organisation=organisation),
                organisation=organisation,
            )
