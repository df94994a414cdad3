"""Writes for outcomes: each one transaction, checked again under a lock, audited at its end
(ADR-107). Bad input is refused with a `DomainError` (an `AnswerError` names the question) and
nothing is half-saved.

Scoring is `kindred.outcomes.measures.score`, the pure module; what it scored is stored with the
answers, so that a later change to a conversion table never changes a past report silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.accounts.tokens import new_token, token_hash
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import DomainError
from kindred.outcomes import audit_actions, measures, selectors
from kindred.outcomes.models import (
    CLOSED,
    MONTHS,
    TIME_POINT_OF_MONTHS,
    Collection,
    CollectionLink,
    CollectionStatus,
    CostItem,
    CostKind,
    HealthcareUse,
    OutcomeSettings,
    Response,
    ServiceCost,
    StoredReport,
    TimePoint,
    UnitCost,
    UseSource,
)
from kindred.people.messages import NotToBeTexted, may_be_texted, person_text
from kindred.referrals.models import Referral
from kindred.safeguarding.models import Level
from kindred.safeguarding.models import Source as ConcernSource
from kindred.safeguarding.services import concern_raise

#: The most of any healthcare use in 3 months (92 days: a night in hospital every night).
MAX_USE = 92
#: How long a one-time questionnaire link works.
LINK_LIFETIME = dt.timedelta(days=14)
LINK_LIFETIME_IN_WORDS = "14 days"


class AnswerError(DomainError):
    """An answer the measure refuses: `field` names the form field it belongs to."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class LinkRefused(DomainError):
    """A questionnaire link that does not work: unknown, used, or expired."""


def _organisation(by: Acting) -> Organisation:
    if by.organisation is None:
        raise DomainError("Choose the organisation you are acting for first")
    return by.organisation


# Scheduling -------------------------------------------------------------------------------


@transaction.atomic
def settings_save(
    *, by: Acting, measure_codes: Sequence[str], follow_up_months: Sequence[int]
) -> OutcomeSettings:
    organisation = _organisation(by)
    unknown = [code for code in measure_codes if code not in measures.MEASURES]
    if unknown or not measure_codes:
        raise DomainError("Choose at least one questionnaire from the list")
    if any(months not in TIME_POINT_OF_MONTHS or months == 0 for months in follow_up_months):
        raise DomainError("Follow-ups can be at 3, 6 or 12 months")
    settings, _ = OutcomeSettings.objects.get_or_create(organisation=organisation)
    settings.measures = list(dict.fromkeys(measure_codes))
    settings.follow_up_months = sorted(set(follow_up_months))
    settings.save(update_fields=["measures", "follow_up_months", "updated_at"])
    audit_record(by=by, action=audit_actions.SETTINGS_SAVED, target=settings)
    return settings


def collections_schedule(*, today: dt.date | None = None) -> int:
    """For every referral accepted (its history shows it) without a baseline yet: its baseline,
    due on the day it was accepted, and its follow-ups at the organisation's months after it.
    Safe to run twice (one baseline per referral). Returns how many referrals were scheduled."""
    today = today or timezone.localdate()
    referrals = (
        Referral.objects.filter(history__to_state="accepted")
        .exclude(outcome_collections__time_point=TimePoint.BASELINE)
        .annotate(accepted_at=Min("history__occurred_at", filter=Q(history__to_state="accepted")))
        .select_related("organisation")
        .order_by("organisation_id", "accepted_at")
    )
    scheduled = 0
    for referral in referrals:
        accepted_on = timezone.localtime(referral.accepted_at).date()
        if accepted_on > today:
            continue
        referral_schedule(referral=referral, accepted_on=accepted_on)
        scheduled += 1
    return scheduled


@transaction.atomic
def referral_schedule(*, referral: Referral, accepted_on: dt.date) -> list[Collection]:
    """The collections of one accepted referral (none added twice)."""
    organisation = referral.organisation
    settings = selectors.settings_of(organisation=organisation)
    points = [TimePoint.BASELINE] + [TIME_POINT_OF_MONTHS[m] for m in settings.follow_up_months]
    existing = set(referral.outcome_collections.values_list("time_point", flat=True))
    made = Collection.objects.bulk_create(
        Collection(
            organisation=organisation,
            person_id=referral.person_id,
            referral=referral,
            time_point=point,
            due_on=accepted_on + relativedelta(months=MONTHS[point]),
            measures=list(settings.measures),
        )
        for point in points
        if point not in existing
    )
    by = Acting.system("outcomes schedule", organisation=organisation)
    audit_record(
        by=by,
        action=audit_actions.COLLECTIONS_SCHEDULED,
        target=referral,
        detail={"time_points": [c.time_point for c in made]},
    )
    return made


# Answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UseFigures:
    """Healthcare used in the previous 3 months."""

    gp_appointments: int
    ae_attendances: int
    emergency_admissions: int
    bed_days: int
    source: str = UseSource.SELF


@dataclass(frozen=True)
class Completed:
    collection: Collection
    #: True when an answer means the person should be shown where to get help now (PHQ-9
    #: item 9); a safeguarding concern has been raised too.
    needs_help_now: bool


def _check_baseline_first(collection: Collection) -> None:
    if collection.time_point == TimePoint.BASELINE:
        return
    baseline = (
        Collection.objects.filter(referral_id=collection.referral_id, time_point=TimePoint.BASELINE)
        .only("status", "due_on")
        .first()
    )
    if baseline is None or baseline.status != CollectionStatus.COMPLETED:
        raise DomainError("Record the baseline first: a follow-up cannot come before its baseline")


def _scored(code: str, answers: Sequence[object]) -> measures.Score:
    """The measure's score, or AnswerError naming the first question whose answer it refuses."""
    instrument = measures.MEASURES.get(code)
    if instrument is None:
        raise AnswerError("That questionnaire is not one Kindred knows", field=code)
    items = instrument.items
    if len(answers) != len(items):
        raise AnswerError(f"Answer every question in {instrument.short_title}", field=f"{code}_1")
    for number, (item, answer) in enumerate(zip(items, answers, strict=True), start=1):
        allowed = {option.value for option in item.options}
        if answer not in allowed:
            raise AnswerError(
                f"Choose one of the answers for question {number} of {instrument.short_title}",
                field=f"{code}_{number}",
            )
    try:
        return measures.score(code, [a for a in answers if isinstance(a, int)])
    except ValueError as error:
        raise AnswerError(str(error), field=f"{code}_1") from error


def _use_checked(figures: UseFigures) -> None:
    for name in ("gp_appointments", "ae_attendances", "emergency_admissions", "bed_days"):
        value = getattr(figures, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_USE:
            raise AnswerError(f"Enter a number from 0 to {MAX_USE}", field=name)
    if figures.source not in UseSource.values:
        raise AnswerError("Say who told us", field="source")


@transaction.atomic
def collection_complete(
    *,
    by: Acting,
    collection_id: uuid.UUID,
    answers: Mapping[str, Sequence[object]],
    use: UseFigures | None = None,
    by_person: bool = False,
) -> Completed:
    """Record a time point's answers (every measure it asks) and, if given, healthcare use.
    A follow-up before its baseline is refused. A positive PHQ-9 item 9 answer raises a
    safeguarding concern at once, in the same transaction."""
    organisation = _organisation(by)
    collection = (
        organisation.outcome_collections.select_for_update()
        .select_related("person")
        .get(pk=collection_id)
    )
    if collection.status != CollectionStatus.DUE:
        raise DomainError("This questionnaire has already been recorded")
    _check_baseline_first(collection)
    scores = {code: _scored(code, answers.get(code, ())) for code in collection.measures}
    if use is not None:
        _use_checked(use)
    now = timezone.now()
    Response.objects.bulk_create(
        Response(
            collection=collection,
            organisation=organisation,
            measure=code,
            answers=list(answers[code]),
            raw=score.raw,
            value=_plain(score.value),
            band=_plain(score.band),
            answered_at=now,
        )
        for code, score in scores.items()
    )
    if use is not None:
        _use_save(collection=collection, figures=use, now=now)
    collection.status = CollectionStatus.COMPLETED
    collection.closed_at = now
    collection.by_person = by_person
    collection.recorded_by = by.user
    collection.save(update_fields=["status", "closed_at", "by_person", "recorded_by", "updated_at"])
    # The measure says which answers need a concern at once (PHQ-9 item 9 above "Not at all").
    flagged = sorted(code for code, score in scores.items() if score.needs_safeguarding)
    needs_help = bool(flagged)
    if needs_help:
        concern_raise(
            by=by,
            level=Level.HIGH,
            detail=(
                "In a questionnaire (" + ", ".join(flagged) + ") the person answered that they "
                "have had thoughts that they would be better off dead, or of hurting themselves. "
                "Contact them today."
            ),
            source=ConcernSource.QUESTIONNAIRE,
            person=collection.person,
            happened_at=now,
        )
    audit_record(
        by=by,
        action=audit_actions.COLLECTION_COMPLETED,
        target=collection,
        detail={"measures": sorted(scores), "by_person": by_person},
    )
    return Completed(collection=collection, needs_help_now=needs_help)


def _plain(value: object) -> object:
    """A score's value or band as JSON: tuples become lists, Decimals floats."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


def _use_save(*, collection: Collection, figures: UseFigures, now: dt.datetime) -> HealthcareUse:
    use, _ = HealthcareUse.objects.update_or_create(
        collection=collection,
        defaults={
            "organisation_id": collection.organisation_id,
            "gp_appointments": figures.gp_appointments,
            "ae_attendances": figures.ae_attendances,
            "emergency_admissions": figures.emergency_admissions,
            "bed_days": figures.bed_days,
            "source": figures.source,
            "recorded_at": now,
        },
    )
    return use


@transaction.atomic
def healthcare_use_record(
    *, by: Acting, collection_id: uuid.UUID, figures: UseFigures
) -> HealthcareUse:
    """Healthcare use for a time point on its own (from the referrer, say). A follow-up's is
    refused until its baseline is recorded."""
    organisation = _organisation(by)
    collection = organisation.outcome_collections.select_for_update().get(pk=collection_id)
    if collection.status in (CollectionStatus.DECLINED, CollectionStatus.COULD_NOT_CONTACT):
        raise DomainError("This time point was recorded as not possible")
    _check_baseline_first(collection)
    _use_checked(figures)
    use = _use_save(collection=collection, figures=figures, now=timezone.now())
    audit_record(by=by, action=audit_actions.HEALTHCARE_USE_RECORDED, target=collection)
    return use


@transaction.atomic
def collection_close(*, by: Acting, collection_id: uuid.UUID, status: str) -> Collection:
    """Record that a time point will not be answered: declined, or nobody could reach them,
    so that the report's completeness is honest."""
    organisation = _organisation(by)
    if status not in (CollectionStatus.DECLINED, CollectionStatus.COULD_NOT_CONTACT):
        raise AnswerError("Choose why it was not completed", field="status")
    collection = organisation.outcome_collections.select_for_update().get(pk=collection_id)
    if collection.status in CLOSED:
        raise DomainError("This questionnaire has already been recorded")
    collection.status = status
    collection.closed_at = timezone.now()
    collection.recorded_by = by.user
    collection.save(update_fields=["status", "closed_at", "recorded_by", "updated_at"])
    audit_record(
        by=by, action=audit_actions.COLLECTION_CLOSED, target=collection, detail={"status": status}
    )
    return collection


# One-time links ---------------------------------------------------------------------------


@transaction.atomic
def link_make(*, by: Acting, collection_id: uuid.UUID) -> tuple[CollectionLink, str]:
    """A one-time link for the person to answer this time point themselves. The token is
    returned once (to show or send now); only its hash is kept. Earlier links stop working."""
    organisation = _organisation(by)
    collection = organisation.outcome_collections.select_for_update().get(pk=collection_id)
    if collection.status != CollectionStatus.DUE:
        raise DomainError("This questionnaire has already been recorded")
    _check_baseline_first(collection)
    now = timezone.now()
    collection.links.filter(used_at__isnull=True).update(used_at=now)
    token = new_token()
    link = CollectionLink.objects.create(
        collection=collection, token_hash=token_hash(token), expires_at=now + LINK_LIFETIME
    )
    audit_record(by=by, action=audit_actions.LINK_MADE, target=collection)
    return link, token


def link_open(*, token: str) -> CollectionLink:
    """The link a token opens, or LinkRefused (the same words whatever the reason, so that a
    guess learns nothing)."""
    link = (
        CollectionLink.objects.select_related("collection__organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if (
        link is None
        or link.used_at is not None
        or link.expires_at is None
        or link.expires_at <= timezone.now()
        or link.collection.status != CollectionStatus.DUE
    ):
        raise LinkRefused("This link has been used or has expired. Ask for a new one.")
    return link


@transaction.atomic
def link_complete(
    *, token: str, answers: Mapping[str, Sequence[object]], ip_address: str | None = None
) -> Completed:
    """The person answers through their link: it works once."""
    link = link_open(token=token)
    link = CollectionLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise LinkRefused("This link has been used or has expired. Ask for a new one.")
    organisation = link.collection.organisation
    by = Acting(user=None, organisation=organisation, ip_address=ip_address, label="person (link)")
    completed = collection_complete(
        by=by, collection_id=link.collection_id, answers=answers, by_person=True
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])
    audit_record(by=by, action=audit_actions.LINK_USED, target=link.collection)
    return completed


# Reminders --------------------------------------------------------------------------------


def reminders_send(*, today: dt.date | None = None) -> int:
    """A text to each person whose questionnaire fell due (once per time point), where they
    agreed to texts; the wording says nothing about their health. Returns how many went."""
    today = today or timezone.localdate()
    due = (
        Collection.objects.filter(
            status=CollectionStatus.DUE, due_on__lte=today, reminded_on__isnull=True
        )
        .select_related("person", "organisation")
        .order_by("organisation_id", "due_on")
    )
    sent = 0
    for collection in due:
        if _remind(collection=collection, today=today):
            sent += 1
    return sent


@transaction.atomic
def _remind(*, collection: Collection, today: dt.date) -> bool:
    collection = (
        Collection.objects.select_for_update()
        .select_related("person", "organisation")
        .get(pk=collection.pk)
    )
    if collection.reminded_on is not None or collection.status != CollectionStatus.DUE:
        return False
    collection.reminded_on = today
    collection.save(update_fields=["reminded_on", "updated_at"])
    by = Acting.system("outcomes reminders", organisation=collection.organisation)
    if may_be_texted(person=collection.person):
        return False
    try:
        person_text(
            by=by,
            person=collection.person,
            template="people/messages/sms/questionnaire_due.jinja",
            context={"organisation": collection.organisation.name},
            kind="outcomes.questionnaire_due",
            about=collection,
        )
    except NotToBeTexted:
        return False
    audit_record(by=by, action=audit_actions.REMINDER_SENT, target=collection)
    return True


# Costs ------------------------------------------------------------------------------------


def _money(value: object, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation as error:
        raise AnswerError("Enter an amount in pounds, like 42.50", field=field) from error
    if not amount.is_finite() or amount < 0 or amount > Decimal("9999999999"):
        raise AnswerError("Enter an amount of 0 or more", field=field)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def unit_cost_save(*, by: Acting, item: str, value: object, year: str, source: str) -> UnitCost:
    """Set what one unit costs: the value, its price year and where it comes from (all
    required: a cost without a source is refused)."""
    organisation = _organisation(by)
    if item not in CostItem.values:
        raise AnswerError("Choose what the cost is of", field="item")
    amount = _money(value, field="value")
    if not year.strip():
        raise AnswerError("Enter the price year, like 2023/24", field="year")
    if not source.strip():
        raise AnswerError(
            "Enter where the cost comes from, like PSSRU Unit Costs 2023", field="source"
        )
    cost, _ = UnitCost.objects.update_or_create(
        organisation=organisation,
        item=item,
        defaults={"value": amount, "year": year.strip()[:9], "source": source.strip()[:1000]},
    )
    audit_record(by=by, action=audit_actions.UNIT_COST_SAVED, target=cost, detail={"item": item})
    return cost


def unit_costs_seed(*, by: Acting) -> list[UnitCost]:
    """The published defaults (from `economics`) for any item the organisation has not set."""
    organisation = _organisation(by)
    have = set(organisation.unit_costs.values_list("item", flat=True))
    saved = []
    for default in selectors.default_unit_costs():
        if default.item not in have:
            saved.append(
                unit_cost_save(
                    by=by,
                    item=default.item,
                    value=default.value,
                    year=default.year,
                    source=default.source,
                )
            )
    return saved


@transaction.atomic
def service_cost_add(
    *,
    by: Acting,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    amount: object,
    note: str = "",
) -> ServiceCost:
    organisation = _organisation(by)
    if kind not in CostKind.values:
        raise AnswerError("Choose staff, expenses or overheads", field="kind")
    if ends_on < starts_on:
        raise AnswerError("The period must end on or after the day it starts", field="ends_on")
    cost = ServiceCost.objects.create(
        organisation=organisation,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=_money(amount, field="amount"),
        note=note.strip()[:200],
    )
    audit_record(by=by, action=audit_actions.SERVICE_COST_ADDED, target=cost)
    return cost


# Reports (ADR-129): built by the worker and kept, never in a request ---------------------------

#: A kept report older than this is built again (the page shows it meanwhile, saying when).
REPORT_FRESH = dt.timedelta(hours=1)
#: A build asked for and not done in this long is asked for again (a worker was restarted).
REPORT_QUEUED_FOR = dt.timedelta(minutes=10)


def report_key(*, quarter: str, organisation_ids: Sequence[str], scope: str) -> str:
    """The quarter, the organisations and the scope named in the title (a network of one
    organisation has the same organisations as that organisation's own report)."""
    ids = ",".join(sorted(organisation_ids))
    return hashlib.sha256(f"{quarter}:{ids}:{scope}".encode()).hexdigest()


def _wants_build(stored: StoredReport, now: dt.datetime) -> bool:
    if stored.built_at is not None and now - stored.built_at < REPORT_FRESH:
        return False
    return stored.queued_at is None or now - stored.queued_at >= REPORT_QUEUED_FOR


def report_stored(
    *,
    quarter: str,
    organisations: Sequence[Organisation],
    scope: str,
    now: dt.datetime | None = None,
) -> StoredReport:
    """The kept report of these organisations for the quarter (its `content` is None until the
    worker has built it once). When there is none, or it is older than REPORT_FRESH, the worker
    is asked to build it (once: the row is locked while asking)."""
    from kindred.outcomes import tasks

    ids = sorted(str(o.pk) for o in organisations)
    key = report_key(quarter=quarter, organisation_ids=ids, scope=scope)
    now = now or timezone.now()
    stored = StoredReport.objects.filter(key=key).first()
    if stored is not None and not _wants_build(stored, now):
        return stored
    with transaction.atomic():
        stored, _ = StoredReport.objects.select_for_update().get_or_create(
            key=key, defaults={"quarter": quarter, "organisation_ids": ids, "scope": scope}
        )
        if _wants_build(stored, now):
            stored.queued_at = now
            stored.save(update_fields=["queued_at", "updated_at"])
            tasks.report_build.enqueue(key)
    stored.refresh_from_db()
    return stored


def report_keep(*, quarter: str, organisations: Sequence[Organisation], scope: str) -> StoredReport:
    """Build a report now and keep it, outside any request (the scale seed; a command)."""
    ids = sorted(str(o.pk) for o in organisations)
    key = report_key(quarter=quarter, organisation_ids=ids, scope=scope)
    StoredReport.objects.get_or_create(
        key=key, defaults={"quarter": quarter, "organisation_ids": ids, "scope": scope}
    )
    stored = report_build(key=key)
    assert stored is not None
    return stored


def report_build(*, key: str) -> StoredReport | None:
    """Build a kept report again and keep the result (the worker's task; the scale seed's)."""
    from kindred.outcomes import report

    stored = StoredReport.objects.filter(key=key).first()
    if stored is None:
        return None
    organisations = list(
        Organisation.objects.filter(pk__in=stored.organisation_ids).order_by("name", "pk")
    )
    began = time.perf_counter()
    built = report.build(
        organisations=organisations,
        quarter=report.Quarter.parse(stored.quarter),
        scope=stored.scope,
    )
    stored.content = report.to_json(built)
    stored.built_at = timezone.now()
    stored.build_seconds = round(time.perf_counter() - began, 2)
    stored.queued_at = None
    stored.save(update_fields=["content", "built_at", "build_seconds", "queued_at", "updated_at"])
    return stored
