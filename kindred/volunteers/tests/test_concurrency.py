"""Two coordinators act on one volunteer's paperwork at the same moment, in real threads with
their own connections: the row locks let one win and the other is told, plainly, with nothing
recorded twice. Needs PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from kindred.accounts.models import Invitation, Role
from kindred.core.services import Acting
from kindred.core.tests.concurrency import at_once
from kindred.volunteers.models import Stage, TrainingRecord
from kindred.volunteers.services import checks, profile, recruitment, references
from kindred.volunteers.tests.factories import CourseFactory, VolunteerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

TODAY = timezone.localdate()


def coordinators(organisation, make_user, *roles: Role) -> list[Acting]:
    return [
        Acting(make_user(Role.COORDINATOR, *roles, organisation=organisation), organisation)
        for _ in range(2)
    ]


def with_references(by: Acting, volunteer) -> None:
    for referee in ("Margaret Holt", "Huw Jenkins"):
        reference = references.reference_request(
            by=by, volunteer=volunteer, referee_name=referee, relationship="Former employer",
            contact="referee@example.com", requested_on=TODAY - dt.timedelta(days=10),
        )  # fmt: skip
        references.reference_receive(
            by=by, volunteer=volunteer, reference_id=reference.pk, received_on=TODAY,
            outcome="satisfactory",
        )  # fmt: skip


def test_moving_on_and_leaving_at_once_one_wins_and_the_other_is_told(organisation, make_user):
    volunteer = VolunteerFactory(organisation=organisation, stage=Stage.REFERENCES)
    first, second = coordinators(organisation, make_user)
    with_references(first, volunteer)
    won, refused = at_once(
        lambda: recruitment.volunteer_move(
            by=first, volunteer=volunteer, to_stage=Stage.DBS_CHECK, expected=Stage.REFERENCES
        ),
        lambda: recruitment.volunteer_move(
            by=second, volunteer=volunteer, to_stage=Stage.LEFT, note="Moved away",
            expected=Stage.REFERENCES,
        ),
    )  # fmt: skip
    assert len(won) == 1 and len(refused) == 1
    assert "Someone else has just moved" in refused[0]
    volunteer.refresh_from_db()
    assert [c.to_state for c in volunteer.history.all()] == [volunteer.stage]


def test_one_reference_received_twice_at_once_is_recorded_once(organisation, make_user):
    volunteer = VolunteerFactory(organisation=organisation, stage=Stage.REFERENCES)
    first, second = coordinators(organisation, make_user)
    reference = references.reference_request(
        by=first, volunteer=volunteer, referee_name="Margaret Holt", relationship="Employer",
        contact="m.holt@example.com", requested_on=TODAY - dt.timedelta(days=10),
    )  # fmt: skip
    won, refused = at_once(
        *(
            (lambda by=by, outcome=outcome: references.reference_receive(
                by=by, volunteer=volunteer, reference_id=reference.pk, received_on=TODAY,
                outcome=outcome, notes="Concerns about timekeeping",
            ))
            for by, outcome in ((first, "satisfactory"), (second, "not_satisfactory"))
        )
    )  # fmt: skip
    assert len(won) == 1 and len(refused) == 1
    assert "already recorded as received" in refused[0]
    reference.refresh_from_db()
    assert reference.outcome == won[0].outcome  # type: ignore[attr-defined]


def test_two_invitations_to_sign_in_at_once_send_one(organisation, make_user):
    volunteer = VolunteerFactory(organisation=organisation, email="gwen@example.com")
    first, second = coordinators(organisation, make_user, Role.ORGANISATION_ADMIN)
    won, refused = at_once(
        *(
            (lambda by=by: profile.sign_in_invite(
                by=by, volunteer=volunteer, base_url="https://kindred.example/"
            ))
            for by in (first, second)
        )
    )  # fmt: skip
    assert len(won) == 1 and len(refused) == 1
    assert "was invited to sign in on" in refused[0]
    assert Invitation.objects.count() == 1


def test_the_same_course_recorded_for_overlapping_groups_at_once_is_recorded_once(
    organisation, make_user
):
    course = CourseFactory(organisation=organisation)
    ann, bea, cal = VolunteerFactory.create_batch(3, organisation=organisation)
    first, second = coordinators(organisation, make_user)
    won, refused = at_once(
        *(
            (lambda by=by, group=group: checks.training_record_many(
                by=by, course=course, completed_on=TODAY, volunteers=group
            ))
            for by, group in ((first, [ann, bea]), (second, [bea, cal]))
        )
    )  # fmt: skip
    assert len(won) == 1 and len(refused) == 1
    assert "is already recorded for" in refused[0]
    assert TrainingRecord.objects.filter(volunteer=bea).count() == 1
    assert TrainingRecord.objects.count() == 2
