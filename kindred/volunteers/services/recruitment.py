"""Recruitment: enquiries (the public form and invitations), volunteers added by a coordinator,
and moves along the pipeline (ADR-033, ADR-034)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core import signing
from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.core.limits import try_counted
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import ChangedSinceYouLooked, IllegalTransition, machine
from kindred.notifications.services import notification_send
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.volunteers.audit_actions import (
    VOLUNTEER_CREATED,
    VOLUNTEER_ENQUIRED,
    VOLUNTEER_INVITED,
    VOLUNTEER_MOVED,
)
from kindred.volunteers.errors import PaperworkMissing, TooManyEnquiries, VolunteerError
from kindred.volunteers.models import JourneyStep, Stage, StageChange, Volunteer
from kindred.volunteers.services._common import journey_step_once, organisation_of
from kindred.volunteers.services.profile import person_link
from kindred.volunteers.services.references import references_missing

#: The recruitment pipeline, one step at a time from an enquiry to active.
RECRUITMENT = [
    Stage.ENQUIRY,
    Stage.APPLICATION,
    Stage.CONVERSATION,
    Stage.REFERENCES,
    Stage.DBS_CHECK,
    Stage.INDUCTION,
    Stage.ACTIVE,
]


def _label(stage: str) -> str:
    return str(Stage(stage).label).lower() if stage in Stage.values else stage


#: Where a volunteer may move from each stage: along the pipeline; anyone not yet left can leave;
#: active and paused move between each other; someone who left can enquire again.
TRANSITIONS = machine(
    "volunteer",
    {
        **{stage: {RECRUITMENT[i + 1], Stage.LEFT} for i, stage in enumerate(RECRUITMENT[:-1])},
        Stage.ACTIVE: {Stage.PAUSED, Stage.LEFT},
        Stage.PAUSED: {Stage.ACTIVE, Stage.LEFT},
        Stage.LEFT: {Stage.ENQUIRY},
    },
    label=_label,
)
ENQUIRIES_PER_ADDRESS_PER_HOUR = 5
INVITATION_SALT = "kindred.volunteers.invitation"
INVITATION_DAYS = 90


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
    from one address, counted by core.limits (which keeps only a hash of the address). If they
    came from an invitation sent to someone the organisation supported (`invited`) and they
    agree, the enquiry is linked to that support record."""
    organisation = organisation_of(by)
    if invited is not None and invited.organisation_id != organisation.pk:
        raise VolunteerError("This invitation is for another organisation.")
    if not (email.strip() or phone.strip()):
        raise VolunteerError("Enter an email address or a phone number so we can reply")
    if not try_counted(
        scope="volunteer-enquiry",
        who=by.ip_address,
        limit=ENQUIRIES_PER_ADDRESS_PER_HOUR,
        per_seconds=3600,
    ):
        raise TooManyEnquiries(
            "We have had several enquiries from your connection in the last hour. "
            "Try again later, or phone us."
        )
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
        stage_changed_at=timezone.now(),
    )
    StageChange.record(
        by=by, subject=volunteer, from_state="", to_state=volunteer.stage,
        note="Enquiry form", at=volunteer.stage_changed_at,
    )  # fmt: skip
    audit_record(by=by, action=VOLUNTEER_ENQUIRED, target=volunteer)
    if invited is not None and volunteer.consent_to_link:
        person_link(by=by, volunteer=volunteer, person=invited, consent_confirmed=True)
    return volunteer


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
    try:  # a record merged into another since the invitation: the one that stays (ADR-090)
        return people_selectors.person_of(organisation=organisation, person_id=person_id)
    except Person.DoesNotExist:
        return None


@transaction.atomic
def volunteering_invite(*, by: Acting, person: Person, enquiry_url: str) -> None:
    """Offer someone whose support is ending the way in: an email with a link to the enquiry
    form that, if they agree, links their enquiry to their support record."""
    organisation = organisation_of(by)
    if person.organisation_id != organisation.pk:
        raise VolunteerError("That person is not supported by this organisation.")
    if not person.email:
        raise VolunteerError(
            "There is no email address on their record: give them the enquiry form link instead"
        )
    link = f"{enquiry_url}?invite={invitation_token(person)}"
    notification_send(
        by=by,
        to=person.email,
        template="volunteers/messages/invited_to_volunteer.jinja",
        context={
            "given_name": person.preferred_name or person.given_name,
            "organisation": organisation.name,
            "link": link,
        },
        kind="volunteer.invited",
        about=person,
    )
    audit_record(by=by, action=VOLUNTEER_INVITED, target=person)


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
    organisation = organisation_of(by)
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
    StageChange.record(
        by=by, subject=volunteer, from_state="", to_state=volunteer.stage,
        note="Added by a coordinator", at=volunteer.stage_changed_at,
    )  # fmt: skip
    audit_record(by=by, action=VOLUNTEER_CREATED, target=volunteer)
    return volunteer


def paperwork_missing(volunteer: Volunteer, *, to_stage: str) -> str | None:
    """What must be on record before `volunteer` makes this move, naming it; None if nothing is
    missing (ADR-095). Leaving is always allowed. Leaving the references stage needs enough
    satisfactory references; leaving the DBS stage, and becoming active from anywhere, a DBS
    check. Called with the volunteer's row locked, so the answer holds for the move."""
    if to_stage == Stage.LEFT:
        return None
    if volunteer.stage == Stage.REFERENCES:
        return references_missing(volunteer)
    if (volunteer.stage == Stage.DBS_CHECK or to_stage == Stage.ACTIVE) and not (
        volunteer.dbs_checks.exists()
    ):
        return (
            f"Record {volunteer.display_name}'s DBS check before moving them on to "
            f"{_label(to_stage)}: there is no DBS check on their record."
        )
    return None


@transaction.atomic
def volunteer_move(
    *,
    by: Acting,
    volunteer: Volunteer,
    to_stage: str,
    expected: str | None = None,
    note: str = "",
) -> Volunteer:
    """Move a volunteer along the recruitment pipeline (`TRANSITIONS`). `expected` is the stage
    the user saw: if someone else has moved them since, they are told where the volunteer is now
    (`ChangedSinceYouLooked`) and nothing changes. Leaving needs a reason; moving past the
    references and DBS stages needs their paperwork on record (`paperwork_missing`)."""
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    name, now_at = locked.display_name, _label(locked.stage)
    try:
        TRANSITIONS.check(current=locked.stage, to=to_stage, expected=expected)
    except ChangedSinceYouLooked as changed:
        raise ChangedSinceYouLooked(
            f"Someone else has just moved {name} on: they are now at {now_at}. "
            "Check their record and try again."
        ) from changed
    except IllegalTransition as illegal:
        raise IllegalTransition(
            f"{name} is at {now_at}: they cannot move to {_label(to_stage)} from there."
        ) from illegal
    if to_stage == Stage.LEFT and not note.strip():
        raise VolunteerError("Enter why they are leaving")
    missing = paperwork_missing(locked, to_stage=to_stage)
    if missing:
        raise PaperworkMissing(missing)
    from_stage = locked.stage
    locked.stage = to_stage
    locked.stage_changed_at = timezone.now()
    locked.left_reason = note.strip()[:300] if to_stage == Stage.LEFT else ""
    locked.save(update_fields=["stage", "stage_changed_at", "left_reason", "updated_at"])
    StageChange.record(
        by=by, subject=locked, from_state=from_stage, to_state=to_stage, note=note,
        at=locked.stage_changed_at,
    )  # fmt: skip
    if to_stage == Stage.ACTIVE:
        journey_step_once(
            by=by, volunteer=locked, step=JourneyStep.BECAME_SUPPORTER,
            occurred_on=timezone.localdate(),
        )  # fmt: skip
    audit_record(
        by=by, action=VOLUNTEER_MOVED, target=locked, detail={"from": from_stage, "to": to_stage}
    )
    return locked
