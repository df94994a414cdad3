"""Suggestions worked out by the worker, kept and read back (ADR-101).

`stored` turns the engine's `Suggestion` into plain JSON for `SuggestionRun.proposals`: ids,
scores and the words a coordinator reads (reasons, why nobody suits). `shown` reads them back for
a page in a fixed number of queries, leaving out what has gone stale since the run: a person
matched or no longer waiting, a supporter no longer active or with no room left, a pair turned
down since. Accepting still goes through `match_accept`, which checks everything again under
row locks; this only keeps the page from offering what is plainly gone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.matching import reasons as wording
from kindred.matching import selectors
from kindred.matching.models import (
    ACTIVE_MATCH,
    Rejection,
    RunStatus,
    SuggestionRun,
    SupporterProfile,
)
from kindred.matching.suggest import Candidate, Proposal, Suggestion
from kindred.referrals.models import Referral, Status
from kindred.volunteers.models import Stage, Volunteer, VolunteeringRole

FORMAT = 1


def _candidate(candidate: Candidate) -> dict[str, Any]:
    concern = candidate.concern
    return {
        "volunteer": str(candidate.volunteer.pk),
        "score": candidate.score,
        "explanation": candidate.explanation,
        "mode": candidate.mode,
        "modes": list(candidate.modes),
        "reasons": list(candidate.reasons),
        "concern": None
        if concern is None
        else {"said_on": concern.said_on.isoformat(), "struggling": concern.struggling},
    }


def _why(why: wording.WhyNone) -> dict[str, Any]:
    return {
        "summary": why.summary,
        "looked_at": why.looked_at,
        "ruled_out": [
            {"rule": r.rule, "supporters": r.supporters, "sentence": r.sentence}
            for r in why.ruled_out
        ],
        "near_misses": [
            {
                "volunteer_id": str(m.volunteer_id),
                "name": m.name,
                "rule": m.rule,
                "sentence": m.sentence,
            }
            for m in why.near_misses
        ],
        "experience": why.experience,
    }


def stored(suggestion: Suggestion) -> dict[str, Any]:
    """The suggestion as JSON, to keep on its run."""
    return {
        "format": FORMAT,
        "role": str(suggestion.role.pk) if suggestion.role is not None else None,
        "organisations": [str(o.pk) for o in suggestion.organisations],
        "proposals": [
            {
                "referral": str(p.referral.pk),
                "supporters": [_candidate(c) for c in p.supporters],
                "alternatives": [_candidate(c) for c in p.alternatives],
            }
            for p in suggestion.proposals
        ],
        "without_supporter": [str(r.pk) for r in suggestion.without_supporter],
        "needs": {str(key): value for key, value in suggestion.needs.items()},
        "suitable": {str(key): value for key, value in suggestion.suitable.items()},
        "why": {str(key): _why(value) for key, value in suggestion.why.items()},
    }


@dataclass(frozen=True)
class Runs:
    """The runs a suggestions page tells about."""

    done: SuggestionRun | None  # the last that worked suggestions out: what the page shows
    active: SuggestionRun | None  # queued or running now
    failed: SuggestionRun | None  # failed since the last done


def latest(*, organisation: Organisation, network: bool, referral: Referral | None) -> Runs:
    """The last run done, the one in progress and a failure since, for this organisation, scope
    and person. One query."""
    done = active = failed = None
    recent = SuggestionRun.objects.filter(
        organisation=organisation, network=network, referral=referral
    ).order_by("-queued_at")
    for run in recent[:20]:
        if run.active:
            active = active or run
        elif run.status == RunStatus.FAILED:
            failed = failed or (run if done is None else None)
        elif done is None:
            done = run
    return Runs(done, active, failed)


def worked_out(run: SuggestionRun) -> str:
    """When a run's suggestions were worked out: "Worked out at 09:05" today, else with the day."""
    if run.finished_at is None:
        return ""
    local = timezone.localtime(run.finished_at)
    if local.date() == timezone.localdate():
        return f"Worked out at {local:%H:%M}"
    return f"Worked out at {local:%H:%M} on {local.day} {local:%B %Y}"


def _uuids(values: Iterable[str]) -> list[uuid.UUID]:
    return [uuid.UUID(value) for value in values]


def shown(run: SuggestionRun, *, organisations: list[Organisation]) -> Suggestion:
    """What the run worked out, as the page shows it now: only people of `organisations` (the
    ones the reader may match) who still wait with no match, and only supporters of them who are
    still active with room, never a pair turned down since. Six queries, whatever the size."""
    data = run.proposals or {}
    allowed = [o.pk for o in organisations]
    by_id = {o.pk: o for o in organisations}
    referral_ids = {
        *(p["referral"] for p in data.get("proposals", [])),
        *data.get("without_supporter", []),
    }
    waiting = {
        r.pk: r
        for r in Referral.objects.filter(
            pk__in=_uuids(referral_ids), organisation_id__in=allowed, status=Status.WAITING
        )
        .exclude(matches__status__in=ACTIVE_MATCH)
        .select_related("person")
    }
    for referral in waiting.values():
        referral.organisation = by_id[referral.organisation_id]
    volunteer_ids = {
        c["volunteer"]
        for p in data.get("proposals", [])
        for c in (*p["supporters"], *p["alternatives"])
    }
    volunteers = {
        v.pk: v
        for v in Volunteer.objects.filter(
            pk__in=_uuids(volunteer_ids), organisation_id__in=allowed, stage=Stage.ACTIVE
        )
    }
    for volunteer in volunteers.values():
        volunteer.organisation = by_id[volunteer.organisation_id]
    taken = selectors.places_taken(volunteers)
    capacity = dict(
        SupporterProfile.objects.filter(volunteer_id__in=list(volunteers)).values_list(
            "volunteer_id", "capacity"
        )
    )
    free = {key for key in volunteers if taken.get(key, 0) < capacity.get(key, 0)}
    turned_down = set(
        Rejection.objects.filter(
            Q(referral_id__in=list(waiting)), created_at__gte=run.started_at or run.queued_at
        ).values_list("referral_id", "volunteer_id")
    )

    def candidate(raw: dict[str, Any], referral_id: uuid.UUID) -> Candidate | None:
        key = uuid.UUID(raw["volunteer"])
        if key not in free or (referral_id, key) in turned_down:
            return None
        concern = raw.get("concern")
        return Candidate(
            volunteers[key],
            float(raw["score"]),
            raw["explanation"],
            raw["mode"],
            tuple(raw["modes"]),
            tuple(raw["reasons"]),
            wording.Concern(dt.date.fromisoformat(concern["said_on"]), concern["struggling"])
            if concern
            else None,
        )

    proposals = []
    for raw in data.get("proposals", []):
        referral_id = uuid.UUID(raw["referral"])
        if referral_id not in waiting:
            continue
        supporters = [candidate(c, referral_id) for c in raw["supporters"]]
        if not supporters or any(c is None for c in supporters):
            continue  # a pair is proposed whole or not at all
        alternatives = [c for c in (candidate(a, referral_id) for a in raw["alternatives"]) if c]
        proposals.append(
            Proposal(
                waiting[referral_id],
                tuple(c for c in supporters if c is not None),
                alternatives,
            )
        )
    without = [waiting[key] for key in _uuids(data.get("without_supporter", [])) if key in waiting]
    why: dict[object, wording.WhyNone] = {
        uuid.UUID(key): wording.WhyNone(
            summary=value["summary"],
            looked_at=value["looked_at"],
            ruled_out=tuple(wording.RuledOut(**r) for r in value["ruled_out"]),
            near_misses=tuple(
                wording.NearMiss(
                    volunteer_id=uuid.UUID(m["volunteer_id"]),
                    name=m["name"],
                    rule=m["rule"],
                    sentence=m["sentence"],
                )
                for m in value["near_misses"]
            ),
            experience=value["experience"],
        )
        for key, value in data.get("why", {}).items()
        if uuid.UUID(key) in waiting
    }
    role = VolunteeringRole.objects.filter(pk=data["role"]).first() if data.get("role") else None
    return Suggestion(
        role,
        proposals,
        without,
        needs={uuid.UUID(k): v for k, v in data.get("needs", {}).items()},
        organisations=[by_id[key] for key in _uuids(data.get("organisations", [])) if key in by_id],
        suitable={uuid.UUID(k): v for k, v in data.get("suitable", {}).items()},
        why=why,
    )
