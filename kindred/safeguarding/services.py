"""Writes for safeguarding: THE way any app raises a concern (`concern_raise`), and the case's
life after that. Each write locks what it changes, checks the state the user saw, records the
history, the timeline and an audit entry, and tells people, in one transaction (nothing
half-saved). Messages carry no personal data: people sign in to read the concern."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.services import Acting, audit_record, audit_view
from kindred.core.transitions import DomainError
from kindred.notifications.models import Notification
from kindred.notifications.services import notification_send
from kindred.people.merging import moving_between
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.safeguarding import audit_actions, selectors, tasks
from kindred.safeguarding.models import (
    MACHINE,
    RECORDED_BY_HAND,
    Arrangements,
    Concern,
    Entry,
    EntryKind,
    Kind,
    Level,
    Source,
    Status,
    StatusChange,
)
from kindred.safeguarding.selectors import Rung
from kindred.safeguarding.targets import step_due

#: The longest a description of what was seen or heard may be.
DETAIL_MAX = 10000
ESCALATION_LABEL = "Kindred (acknowledgement target missed)"


class ConcernError(DomainError):
    """Something about a concern that cannot be done, said plainly. `field` names the form
    field the message belongs beside, when it is about one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Raised:
    """A concern just raised, and whom it reached (for the raiser's confirmation: never
    "sent to your safeguarding lead" when there is none)."""

    concern: Concern
    reached: Rung | None
    duty_professional: User | None = None
    names: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.reached is None:
            return (
                "Your concern has been saved, but your organisation has nobody to send it to. "
                "Tell your coordinator or manager yourself now."
            )
        who = ", ".join(u.full_name or u.email for u in self.reached.people)
        said = f"Your concern has been sent to {who} ({self.reached.name})"
        if self.reached.name != "safeguarding lead":
            said += ": your organisation's safeguarding lead is not available"
        if self.duty_professional is not None:
            said += f", and to {self.duty_professional.full_name} (duty professional)"
        return said


def _organisation(by: Acting) -> Organisation:
    if by.organisation is None:
        raise ConcernError("Choose an organisation to act for first")
    return by.organisation


def _name(user: User) -> str:
    return user.full_name or user.email


def _entry(
    *,
    concern: Concern,
    kind: str,
    by: Acting,
    text: str = "",
    at: dt.datetime | None = None,
    told: User | None = None,
    told_as: str = "",
    step: int | None = None,
    corrects: Entry | None = None,
) -> Entry:
    entry = Entry(
        concern=concern,
        kind=kind,
        text=text,
        occurred_at=at or timezone.now(),
        by_user=by.user,
        by_label=by.actor_label,
        told=told,
        told_label=f"{_name(told)} ({told_as})" if told is not None else "",
        step=step,
        corrects=corrects,
    )
    entry.save(force_insert=True)
    return entry


LEVEL_WORDS = {
    Level.IMMEDIATE.value: "An immediate danger",
    Level.HIGH.value: "A high",
    Level.MEDIUM.value: "A medium",
    Level.LOW.value: "A low",
}


def _as(rung_name: str) -> str:
    """ "you are its safeguarding lead", "you are one of its coordinators"."""
    return f"one of its {rung_name}" if rung_name.endswith("s") else f"its {rung_name}"


def _tell(*, concern: Concern, to: User, template: str, role: str) -> None:
    """Tell `to` of the concern, in the words of safeguarding/messages/`template` (ADR-103):
    never the concern itself, only that there is one and by when it should be acknowledged."""
    notification_send(
        by=Acting.system("safeguarding", organisation=concern.organisation),
        to=to.email,
        template=f"safeguarding/messages/{template}.jinja",
        context={
            "level_words": LEVEL_WORDS[concern.level],
            "level": concern.get_level_display().lower(),
            "organisation": concern.organisation.name,
            "role": role,
            "acknowledge_by": timezone.localtime(concern.acknowledge_by),
        },
        kind="safeguarding.concern",
        about=concern,
    )


def _check_raise(
    *,
    organisation: Organisation,
    level: str,
    detail: str,
    source: str,
    kind: str,
    person: Person | None,
    about: str,
    happened_at: dt.datetime | None,
) -> None:
    if level not in Level.values:
        raise ConcernError(
            "Choose how worried you are: low, medium, high or immediate danger", field="level"
        )
    if not detail.strip():
        raise ConcernError("Say what you saw or heard, in your own words", field="detail")
    if len(detail.strip()) > DETAIL_MAX:
        raise ConcernError(
            f"What you saw or heard must be {DETAIL_MAX} characters or fewer", field="detail"
        )
    if source not in Source.values:
        raise ConcernError("A concern must say where it was raised from")
    if kind not in Kind.values:
        raise ConcernError("Choose what kind of concern this is", field="kind")
    if person is None and not about.strip():
        raise ConcernError(
            "Say who the concern is about: a name or a description if they have no record",
            field="about",
        )
    if len(about.strip()) > 300:
        raise ConcernError("Who it is about must be 300 characters or fewer", field="about")
    if person is not None and (
        person.organisation_id != organisation.pk or person.merged_into_id is not None
    ):
        raise ConcernError("That person's record is not in this organisation", field="about")
    if happened_at is not None and happened_at > timezone.now() + dt.timedelta(minutes=5):
        raise ConcernError("When it happened must be now or in the past", field="happened_at")


@transaction.atomic
def concern_raise(
    *,
    by: Acting,
    level: str,
    detail: str,
    source: str,
    person: Person | None = None,
    about: str = "",
    kind: str = Kind.SAFEGUARDING,
    happened_at: dt.datetime | None = None,
    duty_professional: User | None = None,
) -> Raised:
    """Raise a concern about a person with a record, or someone known only by `about`. It
    reaches the first person on the organisation's ladder at once (the lead, or the deputy
    when the lead is away, else the coordinators), and the duty professional too when it is
    high or immediate danger; each is recorded on its timeline. Its escalation is scheduled.
    `duty_professional`: a duty professional the raiser called in themselves (a group's own,
    issue 17); they are told whatever the level, instead of the organisation's."""
    organisation = _organisation(by)
    kind = str(kind)
    _check_raise(
        organisation=organisation, level=level, detail=detail, source=source, kind=kind,
        person=person, about=about, happened_at=happened_at,
    )  # fmt: skip
    now = timezone.now()
    arrangements = selectors.arrangements_of(organisation=organisation)
    targets = selectors.targets_of(arrangements)
    if duty_professional is not None:
        if Role.DUTY_PROFESSIONAL not in duty_professional.roles_in(organisation):
            raise ConcernError("That person is not a duty professional of this organisation")
        duty: User | None = duty_professional
    else:
        duty = (
            selectors.duty_professional_of(arrangements)
            if level in (Level.HIGH, Level.IMMEDIATE)
            else None
        )
    concern = Concern.objects.create(
        organisation=organisation,
        person=person,
        about=" ".join(about.split()) if person is None else "",
        source=source,
        kind=kind,
        level=level,
        status=Status.RAISED,
        detail=detail.strip(),
        happened_at=happened_at,
        raised_at=now,
        raised_by=by.user,
        raised_by_label=_name(by.user) if by.user is not None else by.actor_label,
        acknowledge_by=targets.after(level, now),
        duty_professional=duty,
    )
    StatusChange.record(by=by, subject=concern, from_state="", to_state=Status.RAISED, at=now)
    rungs = selectors.ladder(arrangements=arrangements, today=timezone.localdate(now))
    reached = rungs[0] if rungs else None
    if reached is not None:
        for user in reached.people:
            _entry(concern=concern, kind=EntryKind.TOLD, by=by, at=now, told=user,
                   told_as=reached.name)  # fmt: skip
            _tell(concern=concern, to=user, template="raised", role=_as(reached.name))
    if duty is not None:
        _entry(concern=concern, kind=EntryKind.TOLD, by=by, at=now, told=duty,
               told_as="duty professional")  # fmt: skip
        _tell(concern=concern, to=duty, template="raised", role="its duty professional")
    audit_record(
        by=by,
        action=audit_actions.CONCERN_RAISED,
        target=concern,
        detail={"level": level, "source": source, "kind": kind,
                "reached": reached.name if reached else "nobody"},
    )  # fmt: skip
    tasks.schedule_escalation(concern)
    return Raised(concern=concern, reached=reached, duty_professional=duty)


def _lock(by: Acting, concern_id: uuid.UUID) -> tuple[Concern, Arrangements]:
    organisation = _organisation(by)
    try:
        concern = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=concern_id, organisation=organisation)
        )
    except Concern.DoesNotExist as missing:
        raise ConcernError("That concern is not in this organisation") from missing
    return concern, selectors.arrangements_of(organisation=organisation)


def _must_lead(by: Acting, arrangements: Arrangements, doing: str) -> None:
    if by.user is None or not selectors.is_lead_or_deputy(user=by.user, arrangements=arrangements):
        raise ConcernError(f"Only the safeguarding lead or their deputy can {doing}")


def _move(by: Acting, concern: Concern, expected: str, to: str, note: str = "") -> None:
    MACHINE.check(current=concern.status, expected=expected, to=to)
    concern.status = to
    StatusChange.record(by=by, subject=concern, from_state=expected, to_state=to, note=note)


@transaction.atomic
def concern_acknowledge(*, by: Acting, concern_id: uuid.UUID, expected: str) -> Concern:
    """The lead (or deputy) says they have it: escalation stops. Someone else acknowledging
    first is told to the second, and nothing changes."""
    concern, arrangements = _lock(by, concern_id)
    _must_lead(by, arrangements, "acknowledge a concern")
    now = timezone.now()
    _move(by, concern, expected, Status.ACKNOWLEDGED)
    concern.acknowledged_at = now
    concern.acknowledged_by = by.user
    concern.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    late = now - concern.acknowledge_by
    timing = (
        "within its target" if late <= dt.timedelta(0) else f"{_duration(late)} after its target"
    )
    _entry(concern=concern, kind=EntryKind.ACKNOWLEDGED, by=by, at=now,
           text=f"Acknowledged {timing}")  # fmt: skip
    audit_record(by=by, action=audit_actions.CONCERN_MOVED, target=concern,
                 detail={"to": Status.ACKNOWLEDGED.value, "late": late > dt.timedelta(0)})  # fmt: skip
    return concern


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


@transaction.atomic
def concern_enquire(*, by: Acting, concern_id: uuid.UUID, expected: str, note: str) -> Concern:
    """The lead opens an enquiry (what will be looked into, by whom)."""
    concern, arrangements = _lock(by, concern_id)
    _must_lead(by, arrangements, "open an enquiry")
    if not note.strip():
        raise ConcernError("Say what the enquiry will look into", field="note")
    _move(by, concern, expected, Status.ENQUIRY, note)
    concern.save(update_fields=["status", "updated_at"])
    _entry(concern=concern, kind=EntryKind.ENQUIRY, by=by, text=note.strip())
    audit_record(by=by, action=audit_actions.CONCERN_MOVED, target=concern,
                 detail={"to": Status.ENQUIRY.value})  # fmt: skip
    return concern


@transaction.atomic
def concern_close(*, by: Acting, concern_id: uuid.UUID, expected: str, outcome: str) -> Concern:
    """The lead closes the case with its outcome (on the timeline too)."""
    concern, arrangements = _lock(by, concern_id)
    _must_lead(by, arrangements, "close a concern")
    outcome = outcome.strip()
    if not outcome:
        raise ConcernError("Say what the outcome was", field="outcome")
    _move(by, concern, expected, Status.CLOSED, outcome)
    concern.closed_at = timezone.now()
    concern.outcome = outcome[:DETAIL_MAX]
    concern.save(update_fields=["status", "closed_at", "outcome", "updated_at"])
    _entry(concern=concern, kind=EntryKind.CLOSED, by=by, text=concern.outcome,
           at=concern.closed_at)  # fmt: skip
    audit_record(by=by, action=audit_actions.CONCERN_MOVED, target=concern,
                 detail={"to": Status.CLOSED.value})  # fmt: skip
    return concern


@transaction.atomic
def entry_add(
    *,
    by: Acting,
    concern_id: uuid.UUID,
    kind: str,
    text: str,
    occurred_at: dt.datetime | None = None,
    corrects_id: uuid.UUID | None = None,
) -> Entry:
    """Add an action or decision to the timeline (a section 42 referral, the police, the GP,
    the person's own view, a note), or a correction of an earlier entry: entries are never
    changed, so a correction is a new entry that refers to the old."""
    concern, arrangements = _lock(by, concern_id)
    _must_lead(by, arrangements, "add to a concern's timeline")
    text = text.strip()
    corrects = None
    if corrects_id is not None:
        corrects = concern.timeline.filter(pk=corrects_id).first()
        if corrects is None:
            raise ConcernError("The entry to correct is not on this concern's timeline")
        kind = EntryKind.CORRECTION
    elif kind not in {str(k) for k in RECORDED_BY_HAND}:
        raise ConcernError("Choose what you are recording", field="kind")
    elif not concern.is_open:
        raise ConcernError("This concern is closed: only corrections can be added to its timeline")
    if not text:
        raise ConcernError("Say what was done or decided", field="text")
    if occurred_at is not None and occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ConcernError("When it happened must be now or in the past", field="occurred_at")
    entry = _entry(concern=concern, kind=kind, by=by, text=text[:DETAIL_MAX],
                   at=occurred_at, corrects=corrects)  # fmt: skip
    concern.save(update_fields=["updated_at"])
    audit_record(by=by, action=audit_actions.ENTRY_ADDED, target=concern,
                 detail={"kind": str(kind), "entry": str(entry.pk)})  # fmt: skip
    return entry


@transaction.atomic
def concern_link_person(*, by: Acting, concern_id: uuid.UUID, person: Person) -> Concern:
    """A lead links a concern about someone known only by a description to their record."""
    concern, arrangements = _lock(by, concern_id)
    _must_lead(by, arrangements, "link a concern to a person's record")
    if concern.person_id is not None:
        raise ConcernError("This concern is already linked to a person's record")
    if person.organisation_id != concern.organisation_id or person.merged_into_id is not None:
        raise ConcernError("That person's record is not in this organisation", field="person")
    concern.person = person
    concern.save(update_fields=["person", "updated_at"])
    _entry(concern=concern, kind=EntryKind.RECORD_LINKED, by=by,
           text=f"Linked to the record of {person.display_name} (described as: {concern.about})")  # fmt: skip
    audit_record(by=by, action=audit_actions.CONCERN_LINKED, target=concern,
                 detail={"person": str(person.pk)})  # fmt: skip
    return concern


def concern_viewed(*, by: Acting, concern: Concern, sight: str) -> None:
    """Someone was shown a concern (how much of it: `sight`): audited, on the concern and,
    when it is about a record, on the person too so their own trail shows it."""
    audit_view(by=by, entity=audit_actions.CONCERN, target=concern, detail={"sight": sight})
    if concern.person is not None:
        people_viewed(by=by, people=concern.person, page="safeguarding concern")


def concern_view_refused(*, by: Acting, concern: Concern) -> None:
    audit_view(by=by, entity=audit_actions.CONCERN, target=concern, refused=True)


def concerns_listed(*, by: Acting, concerns: list[Concern], filters: dict[str, str]) -> None:
    audit_view(
        by=by,
        entity=audit_actions.CONCERN_LIST,
        detail={"concerns": [str(c.pk) for c in concerns], **filters},
    )


# Arrangements


@transaction.atomic
def arrangements_set(
    *,
    by: Acting,
    lead: User | None,
    deputy: User | None,
    lead_away_from: dt.date | None,
    lead_away_until: dt.date | None,
    duty_professional: User | None,
    immediate_minutes: int,
    high_minutes: int,
    medium_working_days: int,
    low_working_days: int,
    coordinators_see_detail: bool,
) -> Arrangements:
    """Name the lead, deputy and duty professional, the lead's time away, the targets, and
    whether coordinators see the detail. Each named person must hold the role for it."""
    organisation = _organisation(by)
    for user, role, name, field_name in (
        (lead, Role.SAFEGUARDING_LEAD, "The lead", "lead"),
        (deputy, Role.SAFEGUARDING_LEAD, "The deputy", "deputy"),
        (duty_professional, Role.DUTY_PROFESSIONAL, "The duty professional", "duty_professional"),
    ):
        if user is not None and (not user.is_active or role not in user.roles_in(organisation)):
            raise ConcernError(
                f"{name} must hold the {Role(role).label.lower()} role in this organisation",
                field=field_name,
            )
    if lead is not None and deputy is not None and lead.pk == deputy.pk:
        raise ConcernError("The deputy must be someone other than the lead", field="deputy")
    if (lead_away_from is None) != (lead_away_until is None):
        raise ConcernError("Give both dates the lead is away, or neither", field="lead_away_from")
    if lead_away_from and lead_away_until and lead_away_until < lead_away_from:
        raise ConcernError(
            "The date the lead is back must be on or after the date they go",
            field="lead_away_until",
        )
    for value, low, high, field_name in (
        (immediate_minutes, 1, 60, "immediate_minutes"),
        (high_minutes, 1, 24 * 60, "high_minutes"),
        (medium_working_days, 1, 10, "medium_working_days"),
        (low_working_days, 1, 20, "low_working_days"),
    ):
        if not low <= value <= high:
            raise ConcernError(f"The target must be between {low} and {high}", field=field_name)
    arrangements, _ = Arrangements.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    arrangements.lead = lead
    arrangements.deputy = deputy
    arrangements.lead_away_from = lead_away_from
    arrangements.lead_away_until = lead_away_until
    arrangements.duty_professional = duty_professional
    arrangements.immediate_minutes = immediate_minutes
    arrangements.high_minutes = high_minutes
    arrangements.medium_working_days = medium_working_days
    arrangements.low_working_days = low_working_days
    arrangements.coordinators_see_detail = coordinators_see_detail
    arrangements.save()
    audit_record(
        by=by,
        action=audit_actions.ARRANGEMENTS_CHANGED,
        target=arrangements,
        detail={
            "lead": str(lead.pk) if lead else "",
            "deputy": str(deputy.pk) if deputy else "",
            "duty_professional": str(duty_professional.pk) if duty_professional else "",
            "away": bool(lead_away_from),
            "coordinators_see_detail": coordinators_see_detail,
        },
    )
    return arrangements


# Escalation: an idempotent "what is due now"


@dataclass(frozen=True)
class Due:
    step: int
    at: dt.datetime
    rung: Rung


def escalations_due(
    *, concern: Concern, arrangements: Arrangements, now: dt.datetime
) -> tuple[list[Due], dt.datetime | None]:
    """The escalation steps of a concern not yet acknowledged that are due at `now` and not yet
    taken, and when the next one falls due (None when none is left). Step 1 reminds the first
    rung of the ladder (the lead), step 2 the next (the deputy), step 3 the coordinators."""
    if concern.status != Status.RAISED:
        return [], None
    targets = selectors.targets_of(arrangements)
    rungs = selectors.ladder(arrangements=arrangements, today=timezone.localdate(now))
    taken = set(concern.timeline.filter(step__isnull=False).values_list("step", flat=True))
    due: list[Due] = []
    for step, rung in enumerate(rungs, start=1):
        at = step_due(targets, concern.level, concern.acknowledge_by, step)
        if step in taken:
            continue
        if at > now:
            return due, at
        due.append(Due(step, at, rung))
    return due, None


@transaction.atomic
def concern_escalate(
    *, concern_id: uuid.UUID, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Take every escalation step of this concern that is due and not yet taken (safe to run
    any number of times, from the timer or the sweep), recording each with its time. Returns
    when the next step falls due, for the timer."""
    now = now or timezone.now()
    try:
        concern = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=concern_id)
        )
    except Concern.DoesNotExist:
        return None
    arrangements = selectors.arrangements_of(organisation=concern.organisation)
    due, next_at = escalations_due(concern=concern, arrangements=arrangements, now=now)
    system = Acting.system(ESCALATION_LABEL, organisation=concern.organisation)
    for step in due:
        late = _duration(now - concern.acknowledge_by)
        _take_step(concern, step.step, step.rung, system, now,
                   text=f"Not acknowledged {late} after its target (step {step.step})")  # fmt: skip
    return next_at


def _take_step(
    concern: Concern, step: int, rung: Rung, system: Acting, now: dt.datetime, *, text: str
) -> None:
    for user in rung.people:
        _entry(concern=concern, kind=EntryKind.REMINDER, by=system, at=now, told=user,
               told_as=rung.name, step=step, text=text)  # fmt: skip
        _tell(concern=concern, to=user, template="not_acknowledged", role=_as(rung.name))
    audit_record(by=system, action=audit_actions.CONCERN_ESCALATED, target=concern,
                 detail={"step": step, "to": rung.name})  # fmt: skip


@transaction.atomic
def concern_message_failed(
    *, concern_id: uuid.UUID, recipient: str, reason: str, now: dt.datetime | None = None
) -> None:
    """A message telling someone of this concern could not be delivered (called by the
    notifications worker's failure hook, ADR-103). The timeline says so; and while the concern
    waits to be acknowledged, the next step of the ladder that reaches someone else is taken at
    once rather than at its time, so that a failed message never leaves a concern unread
    (ADR-108)."""
    now = now or timezone.now()
    concern = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None:
        return
    system = Acting.system(ESCALATION_LABEL, organisation=concern.organisation)
    _entry(concern=concern, kind=EntryKind.UNDELIVERED, by=system, at=now,
           text=f"The message to {recipient} could not be delivered: {reason}"[:DETAIL_MAX])  # fmt: skip
    if concern.status != Status.RAISED:
        return
    arrangements = selectors.arrangements_of(organisation=concern.organisation)
    rungs = selectors.ladder(arrangements=arrangements, today=timezone.localdate(now))
    taken = set(concern.timeline.filter(step__isnull=False).values_list("step", flat=True))
    for step, rung in enumerate(rungs, start=1):
        if step in taken or all(user.email == recipient for user in rung.people):
            continue
        _take_step(concern, step, rung, system, now,
                   text=f"A message to {recipient} could not be delivered (step {step})")  # fmt: skip
        return


def on_message_failed(notification: Notification) -> None:
    """The notifications failure hook (registered in SafeguardingConfig.ready)."""
    if notification.kind != "safeguarding.concern":
        return
    if notification.target_type != Concern._meta.label_lower or not notification.target_id:
        return
    concern_message_failed(
        concern_id=uuid.UUID(notification.target_id),
        recipient=notification.recipient,
        reason=notification.error or "no reason was given",
    )


def escalate_due(*, now: dt.datetime | None = None) -> int:
    """The sweep: every concern past its target, escalated as far as it is due. Returns how
    many steps were taken."""
    now = now or timezone.now()
    taken = 0
    for concern_id in list(selectors.overdue(now=now).values_list("pk", flat=True)):
        before = _steps_taken(concern_id)
        concern_escalate(concern_id=concern_id, now=now)
        taken += _steps_taken(concern_id) - before
    return taken


def _steps_taken(concern_id: uuid.UUID) -> int:
    return (
        Entry.objects.filter(concern_id=concern_id, step__isnull=False)
        .values("step")
        .distinct()
        .count()
    )


# Merging two records of one person (people.merging, ADR-090)


def person_concerns_held(*, person: Person) -> int:
    return Concern.objects.filter(person=person).count()


@transaction.atomic
def person_concerns_move(*, by: Acting, merged: Person, survivor: Person) -> int:
    """The concerns about the merged record follow the person to the survivor, each with a
    line on its timeline. Called by people.merging.person_merge only."""
    organisation = moving_between(by=by, merged=merged, survivor=survivor)
    moving = list(
        Concern.objects.select_for_update().filter(organisation=organisation, person=merged)
    )
    for concern in moving:
        concern.person = survivor
        concern.save(update_fields=["person", "updated_at"])
        _entry(concern=concern, kind=EntryKind.RECORD_LINKED, by=by,
               text="Two records of this person were merged: the concern moved with them")  # fmt: skip
    return len(moving)
