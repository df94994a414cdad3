"""A volunteer's own record: their details and weekly availability, the sign-in and the support
record it is linked to (and the invitation to sign in), and the steps of their peer journey."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

# volunteers sits above accounts: an invitation to a role is accounts' to send (ADR-071), with
# accounts' own rule on who may give the role (ADR-070).
from kindred.accounts import services as accounts_services
from kindred.accounts.models import Invitation, Role, User
from kindred.core.presenters import local_date
from kindred.core.services import Acting, audit_record
from kindred.people.merging import moving_between
from kindred.people.models import Person
from kindred.volunteers import selectors
from kindred.volunteers.audit_actions import (
    VOLUNTEER_AVAILABILITY_SET,
    VOLUNTEER_DETAILS_UPDATED,
    VOLUNTEER_JOURNEY_ADDED,
    VOLUNTEER_PERSON_LINKED,
    VOLUNTEER_SIGN_IN_INVITED,
    VOLUNTEER_USER_LINKED,
)
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import AvailabilityWindow, JourneyEvent, JourneyStep, Volunteer
from kindred.volunteers.services._common import journey_step_once, organisation_of


@transaction.atomic
def user_link(*, by: Acting, volunteer: Volunteer, user: User) -> Volunteer:
    """Connect a volunteer record to the sign-in of someone with a volunteer or facilitator role
    here, so they can use their own pages."""
    if user not in selectors.sign_ins_without_record(organisation=volunteer.organisation):
        raise VolunteerError(
            "Choose someone with a volunteer or facilitator role here who has no volunteer record"
        )
    volunteer.user = user
    volunteer.save(update_fields=["user", "updated_at"])
    audit_record(by=by, action=VOLUNTEER_USER_LINKED, target=volunteer)
    return volunteer


def sign_in_invite(*, by: Acting, volunteer: Volunteer, base_url: str) -> Invitation:
    """Invite a volunteer to sign in, in one step from their record: an invitation to the
    volunteer role here, sent by accounts (`team_member_add`) to the email on their record. Once
    they accept, a coordinator connects the sign-in to their record (`user_link`). Refused, and
    nothing sent, when there is no email, when they already sign in here as a volunteer, or when
    an invitation is already waiting for them. Accounts refuses (and audits) anyone who may not
    give the role: an organisation admin may (ADR-070, ADR-095)."""
    organisation = organisation_of(by)
    if volunteer.organisation_id != organisation.pk:
        raise VolunteerError("That volunteer is not one of this organisation's.")
    with transaction.atomic():
        # Locked, so two coordinators pressing the button at once send one invitation: the
        # second finds the first's waiting below.
        locked = organisation.volunteers.select_for_update().get(pk=volunteer.pk)
        name = locked.display_name
        if not locked.email:
            raise VolunteerError(
                f"There is no email address on {name}'s record to send an invitation to."
            )
        if selectors.volunteer_sign_in_held(volunteer=locked):
            raise VolunteerError(f"{name} already signs in to Kindred here as a volunteer.")
        waiting = selectors.sign_in_invitation_waiting(volunteer=locked)
        if waiting is not None:
            raise VolunteerError(
                f"{name} was invited to sign in on {local_date(waiting.created_at)} and has not "
                f"answered yet. The invitation lasts until {local_date(waiting.expires_at)}."
            )
        try:
            invitation = accounts_services.team_member_add(
                by=by, email=locked.email, full_name=name, role=Role.VOLUNTEER, base_url=base_url
            )
        except accounts_services.RoleRefused as refused:
            # Accounts has audited the refusal; it is kept (this block commits), then told.
            refusal = str(refused)
        except accounts_services.InvitationError as refused:
            raise VolunteerError(str(refused)) from refused
        else:
            audit_record(
                by=by,
                action=VOLUNTEER_SIGN_IN_INVITED,
                target=locked,
                detail={"invitation": str(invitation.pk)},
            )
            return invitation
    raise VolunteerError(
        f"{refusal}, so you cannot invite {name} to sign in. Ask an organisation admin to "
        "invite them."
    )


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
    volunteer.save(update_fields=["person", "has_had_support", "consent_to_link", "updated_at"])
    journey_step_once(
        by=by, volunteer=volunteer, step=JourneyStep.RECEIVED_SUPPORT,
        occurred_on=timezone.localdate(person.created_at), note="From their support record",
    )  # fmt: skip
    audit_record(by=by, action=VOLUNTEER_PERSON_LINKED, target=volunteer)
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
    audit_record(by=by, action=VOLUNTEER_JOURNEY_ADDED, target=volunteer, detail={"step": step})
    return event


@transaction.atomic
def details_update(*, by: Acting, volunteer: Volunteer, phone: str, email: str) -> Volunteer:
    volunteer.phone = phone.strip()
    volunteer.email = email.strip().lower()
    volunteer.save(update_fields=["phone", "email", "updated_at"])
    audit_record(by=by, action=VOLUNTEER_DETAILS_UPDATED, target=volunteer)
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
    audit_record(by=by, action=VOLUNTEER_AVAILABILITY_SET, target=volunteer)
    return created


# Merging two records of one person (people.merging, ADR-090)


def person_volunteer_links_held(*, person: Person) -> int:
    """How many volunteer records are linked to the record (what a merge moves)."""
    return person.volunteer_records.count()


@transaction.atomic
def person_volunteer_links_move(*, by: Acting, merged: Person, survivor: Person) -> int:
    """Two records of one person are being merged: a volunteer linked to the merged record (with
    their consent) is linked to the survivor instead. Audited on each volunteer. Called by
    people.merging.person_merge only, inside its transaction. Returns how many moved."""
    organisation = moving_between(by=by, merged=merged, survivor=survivor)
    volunteers = list(organisation.volunteers.select_for_update().filter(person=merged))
    for volunteer in volunteers:
        volunteer.person = survivor
        volunteer.save(update_fields=["person", "updated_at"])
        audit_record(
            by=by,
            action=VOLUNTEER_PERSON_LINKED,
            target=volunteer,
            detail={"because": "records merged", "from": str(merged.pk)},
        )
    return len(volunteers)
