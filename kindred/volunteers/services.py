"""Writes to volunteer records. Every change goes through here, is audited, and refuses bad input
with a VolunteerError whose message can be shown as it is."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.core.services import Acting, audit_record
from kindred.people.models import Person
from kindred.volunteers import eligibility, selectors
from kindred.volunteers.models import (
    AvailabilityWindow,
    DbsCheck,
    Expense,
    HoursSource,
    JourneyEvent,
    JourneyStep,
    Programme,
    RoleAssignment,
    Stage,
    StageChange,
    SupervisionSession,
    SupportRequest,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
    VolunteerHours,
    VolunteeringRole,
    WellbeingCheckIn,
    first_of_month,
)


class VolunteerError(Exception):
    """Bad input or an illegal step; the message is written for the person who tried it."""


class NotEligible(VolunteerError):
    def __init__(self, role: VolunteeringRole, reasons: tuple[str, ...]) -> None:
        self.reasons = reasons
        super().__init__(f"They cannot be a {role.name.lower()} yet: " + "; ".join(reasons) + ".")


class TooManyEnquiries(VolunteerError):
    pass


# The recruitment pipeline. Anyone not yet left can leave; people who left can enquire again.
RECRUITMENT = [
    Stage.ENQUIRY,
    Stage.APPLICATION,
    Stage.CONVERSATION,
    Stage.REFERENCES,
    Stage.DBS_CHECK,
    Stage.INDUCTION,
    Stage.ACTIVE,
]
TRANSITIONS: dict[str, frozenset[str]] = {
    **{
        str(stage): frozenset({str(RECRUITMENT[i + 1]), str(Stage.LEFT)})
        for i, stage in enumerate(RECRUITMENT[:-1])
    },
    str(Stage.ACTIVE): frozenset({str(Stage.PAUSED), str(Stage.LEFT)}),
    str(Stage.PAUSED): frozenset({str(Stage.ACTIVE), str(Stage.LEFT)}),
    str(Stage.LEFT): frozenset({str(Stage.ENQUIRY)}),
}
ENQUIRIES_PER_ADDRESS_PER_HOUR = 5
CERTIFICATE_NUMBER = re.compile(r"^\d{12}$")


def _label(stage: str) -> str:
    return str(Stage(stage).label).lower()


def _organisation(by: Acting) -> Organisation:
    if by.organisation is None:
        raise VolunteerError("Choose an organisation first.")
    return by.organisation


def _history(by: Acting, volunteer: Volunteer, from_stage: str, note: str) -> None:
    StageChange.objects.create(
        volunteer=volunteer,
        from_stage=from_stage,
        to_stage=volunteer.stage,
        occurred_at=volunteer.stage_changed_at,
        by=by.user,
        by_label=by.actor_label,
        note=note[:500],
    )


def _address_digest(ip_address: str | None) -> str:
    if not ip_address:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip_address}".encode()).hexdigest()[:64]


@transaction.atomic
def enquiry_receive(
    *,
    by: Acting,
    given_name: str,
    family_name: str,
    email: str = "",
    phone: str = "",
    postcode: str = "",
    why: str = "",
    has_had_support: bool = False,
    consent_to_link: bool = False,
    invited: Person | None = None,
) -> Volunteer:
    """Someone asks about volunteering through the public form. At most a few enquiries an hour
    from one address; the address itself is not kept, only a keyed hash of it. If they came from
    an invitation sent to someone the organisation supported (`invited`) and they agree, the
    enquiry is linked to that support record."""
    organisation = _organisation(by)
    if invited is not None and invited.organisation_id != organisation.pk:
        raise VolunteerError("This invitation is for another organisation.")
    digest = _address_digest(by.ip_address)
    if digest:
        since = timezone.now() - dt.timedelta(hours=1)
        recent = Volunteer.objects.filter(enquiry_source=digest, created_at__gte=since).count()
        if recent >= ENQUIRIES_PER_ADDRESS_PER_HOUR:
            raise TooManyEnquiries(
                "We have had several enquiries from your connection in the last hour. "
                "Try again later, or phone us."
            )
    if not (email.strip() or phone.strip()):
        raise VolunteerError("Enter an email address or a phone number so we can reply")
    now = timezone.now()
    volunteer = Volunteer.objects.create(
        organisation=organisation,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        postcode=postcode.strip().upper(),
        why=why.strip(),
        has_had_support=has_had_support or invited is not None,
        consent_to_link=consent_to_link and (has_had_support or invited is not None),
        stage=Stage.ENQUIRY,
        stage_changed_at=now,
        enquiry_source=digest,
    )
    _history(by, volunteer, "", "Enquiry form")
    audit_record(by=by, action="volunteer.enquired", target=volunteer)
    if invited is not None and volunteer.consent_to_link:
        person_link(by=by, volunteer=volunteer, person=invited, consent_confirmed=True)
    return volunteer


INVITATION_SALT = "kindred.volunteers.invitation"
INVITATION_DAYS = 90


def invitation_token(person: Person) -> str:
    """A signed token naming the person and their organisation, for the enquiry form link."""
    return signing.dumps(
        {"p": str(person.pk), "o": str(person.organisation_id)}, salt=INVITATION_SALT
    )


def invitation_person(*, organisation: Organisation, token: str) -> Person | None:
    """The person an invitation was sent to, if the token is genuine, recent and for this
    organisation; None otherwise (the form then works as an ordinary enquiry)."""
    if not token:
        return None
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=dt.timedelta(days=INVITATION_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("o") != str(organisation.pk):
        return None
    try:
        person_id = uuid.UUID(str(data.get("p")))
    except ValueError:
        return None
    return organisation.people.filter(pk=person_id).first()


@transaction.atomic
def volunteering_invite(*, by: Acting, person: Person, enquiry_url: str) -> None:
    """Offer someone whose support is ending the way in: an email with a link to the enquiry
    form that, if they agree, links their enquiry to their support record."""
    organisation = _organisation(by)
    if person.organisation_id != organisation.pk:
        raise VolunteerError("That person is not supported by this organisation.")
    if not person.email:
        raise VolunteerError(
            "There is no email address on their record: give them the enquiry form link instead"
        )
    from kindred.notifications.services import notification_send

    link = f"{enquiry_url}?invite={invitation_token(person)}"
    notification_send(
        by=by,
        to=person.email,
        subject=f"Would you like to volunteer with {organisation.name}?",
        body=(
            f"Hello {person.preferred_name or person.given_name},\n\nMany of the people who "
            f"volunteer with {organisation.name} first came to us for support. If you would like "
            f"to help others in the same way, tell us a little about you here:\n\n{link}\n\n"
            "There is no commitment, and it is fine to say no."
        ),
        kind="volunteer.invited",
        target=person,
    )
    audit_record(by=by, action="volunteer.invited", target=person)


@transaction.atomic
def volunteer_create(
    *,
    by: Acting,
    given_name: str,
    family_name: str,
    email: str = "",
    phone: str = "",
    user: User | None = None,
    person: Person | None = None,
    stage: str = Stage.ENQUIRY,
) -> Volunteer:
    """A coordinator adds a volunteer directly (or the demo seed does)."""
    organisation = _organisation(by)
    if person is not None and person.organisation_id != organisation.pk:
        raise VolunteerError("That person is not supported by this organisation.")
    volunteer = Volunteer.objects.create(
        organisation=organisation,
        user=user,
        person=person,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        has_had_support=person is not None,
        consent_to_link=person is not None,
        stage=stage,
        stage_changed_at=timezone.now(),
    )
    _history(by, volunteer, "", "Added by a coordinator")
    audit_record(by=by, action="volunteer.created", target=volunteer)
    return volunteer


@transaction.atomic
def volunteer_move(
    *, by: Acting, volunteer: Volunteer, to_stage: str, note: str = "", version: int | None = None
) -> Volunteer:
    """Move a volunteer along the recruitment pipeline. Leaving needs a reason; becoming active
    needs a DBS check on record. If someone else moved them first, say so and change nothing."""
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if version is not None and locked.version != version:
        raise VolunteerError(
            f"Someone else has just changed {locked.display_name}'s record: they are now at "
            f"{_label(locked.stage)}. Check and try again."
        )
    allowed = TRANSITIONS[locked.stage]
    if to_stage not in allowed:
        raise VolunteerError(
            f"{locked.display_name} is at {_label(locked.stage)}: they cannot move to "
            f"{_label(to_stage) if to_stage in Stage.values else to_stage} from there."
        )
    if to_stage == Stage.LEFT and not note.strip():
        raise VolunteerError("Enter why they are leaving")
    if to_stage == Stage.ACTIVE and not locked.dbs_checks.exists():
        raise VolunteerError("Record their DBS check before making them active")
    from_stage = locked.stage
    locked.stage = to_stage
    locked.stage_changed_at = timezone.now()
    locked.left_reason = note.strip()[:300] if to_stage == Stage.LEFT else ""
    locked.version += 1
    locked.save(update_fields=["stage", "stage_changed_at", "left_reason", "version", "updated_at"])
    _history(by, locked, from_stage, note)
    if (
        to_stage == Stage.ACTIVE
        and not locked.journey.filter(step=JourneyStep.BECAME_SUPPORTER).exists()
    ):
        JourneyEvent.objects.create(
            organisation=locked.organisation,
            volunteer=locked,
            step=JourneyStep.BECAME_SUPPORTER,
            occurred_on=timezone.localdate(),
            recorded_by=by.user,
        )
    audit_record(
        by=by, action="volunteer.moved", target=locked, detail={"from": from_stage, "to": to_stage}
    )
    return locked


def validate_certificate_number(value: str) -> str:
    """A DBS certificate number is 12 digits; spaces people type are ignored."""
    digits = re.sub(r"\s+", "", value)
    if not CERTIFICATE_NUMBER.match(digits):
        raise VolunteerError("Enter the 12-digit certificate number, for example 001234567890")
    return digits


@transaction.atomic
def dbs_check_record(
    *,
    by: Acting,
    volunteer: Volunteer,
    level: str,
    certificate_number: str,
    issued_on: dt.date,
    update_service: bool = False,
) -> DbsCheck:
    """Record a DBS certificate. The number is stored encrypted; only its last 4 digits show."""
    digits = validate_certificate_number(certificate_number)
    if level not in eligibility.DBS_LEVELS:
        raise VolunteerError("Choose the level of the DBS check")
    if issued_on > timezone.localdate():
        raise VolunteerError("The issue date must be today or in the past")
    check = DbsCheck.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        level=level,
        certificate_number=digits,
        certificate_last_digits=digits[-4:],
        issued_on=issued_on,
        update_service=update_service,
        recorded_by=by.user,
    )
    audit_record(by=by, action="volunteer.dbs_recorded", target=volunteer, detail={"level": level})
    return check


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def training_record(
    *,
    by: Acting,
    volunteer: Volunteer,
    course: TrainingCourse,
    completed_on: dt.date,
    expires_on: dt.date | None = None,
) -> TrainingRecord:
    """Record a completed course. Without an expiry date, the course's own refresh period is used."""
    if course.organisation_id != volunteer.organisation_id:
        raise VolunteerError("Choose one of your organisation's courses")
    if completed_on > timezone.localdate():
        raise VolunteerError("The date they completed it must be today or in the past")
    if expires_on is None and course.valid_for_months:
        expires_on = add_months(completed_on, course.valid_for_months)
    if expires_on is not None and expires_on <= completed_on:
        raise VolunteerError("The expiry date must be after the date they completed it")
    record = TrainingRecord.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by=by.user,
    )
    if not volunteer.journey.filter(step=JourneyStep.TRAINED).exists():
        JourneyEvent.objects.create(
            organisation=volunteer.organisation,
            volunteer=volunteer,
            step=JourneyStep.TRAINED,
            occurred_on=completed_on,
            recorded_by=by.user,
        )
    audit_record(
        by=by,
        action="volunteer.training_recorded",
        target=volunteer,
        detail={"course": course.kind},
    )
    return record


@transaction.atomic
def role_assign(
    *, by: Acting, volunteer: Volunteer, role: VolunteeringRole, on: dt.date | None = None
) -> RoleAssignment:
    """Give a volunteer a role, only if they meet everything it asks for."""
    if role.organisation_id != volunteer.organisation_id:
        raise VolunteerError("Choose one of your organisation's roles")
    result = selectors.eligibility_for(volunteer=volunteer, role=role, on=on)
    if not result.eligible:
        raise NotEligible(role, result.reasons)
    assignment, created = RoleAssignment.objects.get_or_create(
        volunteer=volunteer, role=role, defaults={"assigned_by": by.user}
    )
    if created:
        audit_record(
            by=by, action="volunteer.role_assigned", target=volunteer, detail={"role": role.kind}
        )
    return assignment


@transaction.atomic
def role_update(
    *,
    by: Acting,
    role: VolunteeringRole,
    dbs_level: str,
    dbs_renewal_years: int,
    courses: list[TrainingCourse],
) -> VolunteeringRole:
    """Change what a role asks for. Volunteers who no longer meet it stop being offered for it
    (eligibility is worked out when asked), and keep the role so the gap shows on their record."""
    organisation = _organisation(by)
    if role.organisation_id != organisation.pk:
        raise VolunteerError("Choose one of your organisation's roles")
    if dbs_level and dbs_level not in eligibility.DBS_LEVELS:
        raise VolunteerError("Choose the level of DBS check the role needs")
    if not 1 <= dbs_renewal_years <= 10:
        raise VolunteerError("Enter a renewal period between 1 and 10 years")
    if any(c.organisation_id != organisation.pk for c in courses):
        raise VolunteerError("Choose your organisation's courses")
    role.dbs_level = dbs_level
    role.dbs_renewal_years = dbs_renewal_years
    role.save(update_fields=["dbs_level", "dbs_renewal_years", "updated_at"])
    role.courses.set(courses)
    audit_record(
        by=by,
        action="volunteer.role_updated",
        target=role,
        detail={"dbs_level": dbs_level, "renewal_years": dbs_renewal_years},
    )
    return role


@transaction.atomic
def role_remove(*, by: Acting, volunteer: Volunteer, role: VolunteeringRole) -> None:
    deleted, _ = RoleAssignment.objects.filter(volunteer=volunteer, role=role).delete()
    if deleted:
        audit_record(
            by=by, action="volunteer.role_removed", target=volunteer, detail={"role": role.kind}
        )


def volunteer_view_record(*, by: Acting, volunteer: Volunteer) -> None:
    """Reading a volunteer's record (checks, wellbeing, supervision) is audited."""
    audit_record(by=by, action="volunteer.viewed", target=volunteer)


@transaction.atomic
def user_link(*, by: Acting, volunteer: Volunteer, user: User) -> Volunteer:
    """Connect a volunteer record to the sign-in of someone with a volunteer or facilitator role
    here, so they can use their own pages."""
    if user not in selectors.sign_ins_without_record(organisation=volunteer.organisation):
        raise VolunteerError(
            "Choose someone with a volunteer or facilitator role here who has no volunteer record"
        )
    volunteer.user = user
    volunteer.version += 1
    volunteer.save(update_fields=["user", "version", "updated_at"])
    audit_record(by=by, action="volunteer.user_linked", target=volunteer)
    return volunteer


@transaction.atomic
def person_link(
    *, by: Acting, volunteer: Volunteer, person: Person, consent_confirmed: bool
) -> Volunteer:
    """Link a volunteer to their record as someone who received support, with their consent."""
    if person.organisation_id != volunteer.organisation_id:
        raise VolunteerError("That person is not supported by this organisation.")
    if not (consent_confirmed or volunteer.consent_to_link):
        raise VolunteerError("Confirm that they agreed to link their records")
    volunteer.person = person
    volunteer.has_had_support = True
    volunteer.consent_to_link = True
    volunteer.version += 1
    volunteer.save(
        update_fields=["person", "has_had_support", "consent_to_link", "version", "updated_at"]
    )
    if not volunteer.journey.filter(step=JourneyStep.RECEIVED_SUPPORT).exists():
        JourneyEvent.objects.create(
            organisation=volunteer.organisation,
            volunteer=volunteer,
            step=JourneyStep.RECEIVED_SUPPORT,
            occurred_on=timezone.localdate(person.created_at),
            recorded_by=by.user,
            note="From their support record",
        )
    audit_record(by=by, action="volunteer.person_linked", target=volunteer)
    return volunteer


@transaction.atomic
def journey_event_add(
    *, by: Acting, volunteer: Volunteer, step: str, occurred_on: dt.date, note: str = ""
) -> JourneyEvent:
    if step not in JourneyStep.values:
        raise VolunteerError("Choose a step on their journey")
    if occurred_on > timezone.localdate():
        raise VolunteerError("The date must be today or in the past")
    event = JourneyEvent.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        step=step,
        occurred_on=occurred_on,
        note=note.strip()[:300],
        recorded_by=by.user,
    )
    audit_record(by=by, action="volunteer.journey_added", target=volunteer, detail={"step": step})
    return event


@transaction.atomic
def details_update(*, by: Acting, volunteer: Volunteer, phone: str, email: str) -> Volunteer:
    volunteer.phone = phone.strip()
    volunteer.email = email.strip().lower()
    volunteer.save(update_fields=["phone", "email", "updated_at"])
    audit_record(by=by, action="volunteer.details_updated", target=volunteer)
    return volunteer


@transaction.atomic
def availability_set(
    *, by: Acting, volunteer: Volunteer, windows: list[tuple[int, dt.time, dt.time]]
) -> list[AvailabilityWindow]:
    """Replace a volunteer's weekly availability with these (weekday, from, to) windows."""
    for weekday, starts_at, ends_at in windows:
        if not 0 <= weekday <= 6:
            raise VolunteerError("Choose a day of the week")
        if ends_at <= starts_at:
            raise VolunteerError("The end time must be after the start time")
    volunteer.availability.all().delete()
    created = AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(volunteer=volunteer, weekday=w, starts_at=s, ends_at=e)
        for w, s, e in windows
    )
    audit_record(by=by, action="volunteer.availability_set", target=volunteer)
    return created


@transaction.atomic
def hours_record(
    *,
    by: Acting,
    volunteer: Volunteer,
    source: str,
    source_ref: str,
    worked_on: dt.date,
    minutes: int,
    description: str = "",
) -> VolunteerHours:
    """Add volunteering time to the ledger, or update it if this source is already counted.

    Contacts, group sessions and shifts (later issues) call this with their own record's id as
    source_ref, so saving the same contact twice never counts its time twice."""
    if source not in HoursSource.values:
        raise VolunteerError("Unknown source of hours")
    if not 1 <= minutes <= 24 * 60:
        raise VolunteerError("Enter between 1 minute and 24 hours")
    if worked_on > timezone.localdate():
        raise VolunteerError("The date must be today or in the past")
    entry, created = VolunteerHours.objects.update_or_create(
        volunteer=volunteer,
        source=source,
        source_ref=source_ref,
        defaults={
            "organisation": volunteer.organisation,
            "worked_on": worked_on,
            "minutes": minutes,
            "description": description.strip()[:200],
        },
    )
    audit_record(
        by=by,
        action="volunteer.hours_logged" if created else "volunteer.hours_updated",
        target=volunteer,
        detail={"source": source, "minutes": minutes},
    )
    return entry


@transaction.atomic
def hours_remove_source(*, by: Acting, source: str, source_ref: str) -> int:
    """A contact, session or shift was deleted in its own app: take its time off the ledger."""
    organisation = _organisation(by)
    deleted, _ = VolunteerHours.objects.filter(
        organisation=organisation, source=source, source_ref=source_ref
    ).delete()
    if deleted:
        audit_record(
            by=by, action="volunteer.hours_removed", detail={"source": source, "entries": deleted}
        )
    return deleted


@transaction.atomic
def hours_remove_own(*, by: Acting, volunteer: Volunteer, entry_id: uuid.UUID) -> None:
    """A volunteer takes back an entry they logged by mistake. Only their own self-logged
    entries; time from contacts, sessions and shifts is corrected where it was recorded."""
    deleted, _ = VolunteerHours.objects.filter(
        pk=entry_id, volunteer=volunteer, source=HoursSource.SELF_LOGGED
    ).delete()
    if not deleted:
        raise VolunteerError("That entry cannot be removed here")
    audit_record(by=by, action="volunteer.hours_removed", target=volunteer)


def hours_log(
    *, by: Acting, volunteer: Volunteer, worked_on: dt.date, minutes: int, description: str = ""
) -> VolunteerHours:
    """A volunteer logs time themselves: each entry is its own source."""
    return hours_record(
        by=by,
        volunteer=volunteer,
        source=HoursSource.SELF_LOGGED,
        source_ref=str(uuid.uuid4()),
        worked_on=worked_on,
        minutes=minutes,
        description=description,
    )


@transaction.atomic
def expense_claim(
    *, by: Acting, volunteer: Volunteer, spent_on: dt.date, amount: Decimal, description: str
) -> Expense:
    if amount <= 0:
        raise VolunteerError("Enter an amount more than £0")
    if amount > Decimal("1000"):
        raise VolunteerError("Enter an amount of £1,000 or less, or talk to your coordinator")
    if spent_on > timezone.localdate():
        raise VolunteerError("The date must be today or in the past")
    if not description.strip():
        raise VolunteerError("Enter what the expense was for")
    expense = Expense.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        spent_on=spent_on,
        amount=amount,
        description=description.strip()[:200],
    )
    audit_record(by=by, action="volunteer.expense_claimed", target=volunteer)
    return expense


@transaction.atomic
def expense_mark_paid(*, by: Acting, expense: Expense) -> Expense:
    """A coordinator has paid a claim. Paying twice changes nothing."""
    locked = Expense.objects.select_for_update().get(pk=expense.pk)
    if locked.status != Expense.Status.PAID:
        locked.status = Expense.Status.PAID
        locked.save(update_fields=["status", "updated_at"])
        audit_record(by=by, action="volunteer.expense_paid", target=locked.volunteer)
    return locked


@transaction.atomic
def supervision_record(
    *,
    by: Acting,
    volunteers: list[Volunteer],
    kind: str,
    held_on: dt.date,
    notes: str = "",
) -> SupervisionSession:
    organisation = _organisation(by)
    if not volunteers:
        raise VolunteerError("Choose who was supervised")
    if kind == SupervisionSession.Kind.ONE_TO_ONE and len(volunteers) != 1:
        raise VolunteerError("A one-to-one session is with one volunteer: choose one, or group")
    if any(v.organisation_id != organisation.pk for v in volunteers):
        raise VolunteerError("Choose volunteers from your organisation")
    if held_on > timezone.localdate():
        raise VolunteerError("The date must be today or in the past")
    session = SupervisionSession.objects.create(
        organisation=organisation,
        kind=kind,
        held_on=held_on,
        supervisor=by.user,
        notes=notes.strip()[:1000],
    )
    session.volunteers.set(volunteers)
    audit_record(by=by, action="volunteer.supervised", target=session)
    return session


@transaction.atomic
def support_request(*, by: Acting, volunteer: Volunteer, message: str) -> SupportRequest:
    """A volunteer asks for support. Their coordinators hear straight away."""
    if not message.strip():
        raise VolunteerError("Tell us a little about what would help")
    request = SupportRequest.objects.create(
        organisation=volunteer.organisation, volunteer=volunteer, message=message.strip()[:1000]
    )
    audit_record(by=by, action="volunteer.support_requested", target=volunteer)
    from kindred.notifications.services import notification_send

    for coordinator in selectors.coordinators_of(organisation=volunteer.organisation):
        notification_send(
            by=Acting.system("volunteer support", organisation=volunteer.organisation),
            to=coordinator.email,
            subject="A volunteer has asked for support",
            body=(
                f"{volunteer.display_name} has asked for support. "
                "Sign in to Kindred to see their message."
            ),
            kind="volunteer.support_requested",
            target=request,
        )
    return request


@transaction.atomic
def support_request_answer(*, by: Acting, request: SupportRequest) -> SupportRequest:
    if request.answered_at is None:
        request.answered_at = timezone.now()
        request.answered_by = by.user
        request.save(update_fields=["answered_at", "answered_by", "updated_at"])
        audit_record(by=by, action="volunteer.support_answered", target=request.volunteer)
    return request


@transaction.atomic
def wellbeing_check_in(
    *, by: Acting, volunteer: Volunteer, feeling: int, comment: str = "", on: dt.date | None = None
) -> WellbeingCheckIn:
    """This month's "how are you finding it?"; answering again this month replaces the answer."""
    if feeling not in WellbeingCheckIn.Feeling.values:
        raise VolunteerError("Choose how you are finding it")
    month = first_of_month(on or timezone.localdate())
    check_in, _ = WellbeingCheckIn.objects.update_or_create(
        volunteer=volunteer,
        month=month,
        defaults={"feeling": feeling, "comment": comment.strip()[:1000]},
    )
    audit_record(by=by, action="volunteer.checked_in", target=volunteer)
    return check_in


@transaction.atomic
def programme_update(
    *, by: Acting, hourly_value: Decimal, supervision_every_days: int
) -> Programme:
    organisation = _organisation(by)
    if not Decimal("0") < hourly_value <= Decimal("1000"):
        raise VolunteerError("Enter an hourly value between £0.01 and £1,000")
    if not 7 <= supervision_every_days <= 365:
        raise VolunteerError("Enter between 7 and 365 days")
    programme = selectors.programme_of(organisation=organisation)
    programme.hourly_value = hourly_value
    programme.supervision_every_days = supervision_every_days
    programme.save(update_fields=["hourly_value", "supervision_every_days", "updated_at"])
    audit_record(by=by, action="volunteer.programme_updated", target=programme)
    return programme


STANDARD_COURSES: list[tuple[str, str, int | None]] = [
    ("safeguarding_adults", "Safeguarding adults", 36),
    ("peer_support", "Peer support", None),
    ("befriending", "Befriending", None),
    ("crisis_line", "Crisis line", 24),
    ("lone_working", "Lone working", 36),
    ("data_protection", "Data protection", 12),
]
STANDARD_ROLES: list[tuple[str, str, str, int, tuple[str, ...]]] = [
    ("befriender", "Befriender", "enhanced", 3,
     ("safeguarding_adults", "befriending", "lone_working", "data_protection")),
    ("crisis_line", "Crisis line supporter", "enhanced_barred", 3,
     ("safeguarding_adults", "peer_support", "crisis_line", "data_protection")),
    ("group_facilitator", "Group facilitator", "enhanced", 3,
     ("safeguarding_adults", "peer_support", "data_protection")),
    ("driver", "Driver", "enhanced", 3, ("safeguarding_adults", "lone_working")),
]  # fmt: skip


@transaction.atomic
def standard_roles_ensure(*, by: Acting) -> list[VolunteeringRole]:
    """The usual courses and roles, for an organisation that has none yet. Running it again
    changes nothing an organisation has already set up."""
    organisation = _organisation(by)
    courses = {}
    for kind, name, months in STANDARD_COURSES:
        courses[kind], _ = TrainingCourse.objects.get_or_create(
            organisation=organisation,
            kind=kind,
            defaults={"name": name, "valid_for_months": months},
        )
    roles = []
    for kind, name, level, years, needs in STANDARD_ROLES:
        role, created = VolunteeringRole.objects.get_or_create(
            organisation=organisation,
            kind=kind,
            defaults={"name": name, "dbs_level": level, "dbs_renewal_years": years},
        )
        if created:
            role.courses.set([courses[k] for k in needs])
        roles.append(role)
    return roles
