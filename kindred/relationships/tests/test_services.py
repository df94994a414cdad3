import datetime as dt

import pytest
from django.utils import timezone

from kindred.core.services import Acting
from kindred.matching.models import Match, MatchStatus
from kindred.referrals.models import Status as ReferralStatus
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships import selectors, services
from kindred.relationships.models import HistoryIsAppendOnly, Status
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory
from kindred.volunteers.models import VolunteerHours
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


def test_introduction_then_first_contact_starts_support_and_the_referral(by, organisation):
    referral = ReferralFactory(organisation=organisation, status=ReferralStatus.WAITING)
    volunteer = VolunteerFactory(organisation=organisation)
    match = Match.objects.create(
        organisation=organisation, referral=referral, volunteer=volunteer, score=1, explanation=""
    )
    relationship = services.relationship_introduce(
        by=by,
        person=referral.person,
        volunteers=[volunteer],
        kind="befriending",
        usual_mode="visit",
        referral=referral,
        matches=[match],
    )
    assert relationship.status == Status.INTRODUCED
    assert selectors.supporter_load([volunteer.pk]) == {volunteer.pk: 1}

    today = timezone.localdate()
    services.contact_log(
        by=by,
        relationship_id=relationship.pk,
        volunteer=volunteer,
        happened_on=today,
        mode="visit",
        duration_minutes=45,
        feeling="fine",
    )
    relationship.refresh_from_db()
    referral.refresh_from_db()
    match.refresh_from_db()
    assert (relationship.status, relationship.started_on) == (Status.ACTIVE, today)
    assert relationship.last_contact_on == today
    assert relationship.next_review_on == today + dt.timedelta(days=91)
    assert referral.status == ReferralStatus.STARTED
    assert match.status == MatchStatus.STARTED
    assert VolunteerHours.objects.get(volunteer=volunteer).minutes == 45
    assert [c.to_status for c in relationship.history.all()] == ["introduced", "active"]
    with pytest.raises(HistoryIsAppendOnly):
        relationship.history.update(note="rewritten")

    services.relationship_end(
        by=by,
        relationship_id=relationship.pk,
        expected=Status.ACTIVE,
        reason="goals_met",
        outcome="better",
        next_step="volunteering",
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.ENDED
    assert selectors.supporter_load([volunteer.pk]) == {}
    assert selectors.previous_pairs([referral.person_id]) == {(referral.person_id, volunteer.pk)}


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "today or in the past"), (-40, "on or after the introduction")],
)
def test_contacts_in_the_future_or_before_the_introduction_are_refused(
    by, organisation, days, message
):
    relationship = RelationshipFactory(organisation=organisation)
    with pytest.raises(services.RelationshipError, match=message):
        services.contact_log(
            by=by,
            relationship_id=relationship.pk,
            volunteer=None,
            happened_on=timezone.localdate() + dt.timedelta(days=days),
            mode="phone",
        )
    assert not relationship.contacts.exists()


def test_a_stale_status_is_refused(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    with pytest.raises(services.RelationshipChanged):
        services.relationship_move(
            by=by, relationship_id=relationship.pk, expected=Status.PAUSED, to=Status.ACTIVE
        )


def test_gone_quiet_uses_each_relationships_rhythm_and_grace(organisation):
    today = timezone.localdate()
    quiet = RelationshipFactory(
        organisation=organisation, last_contact_on=today - dt.timedelta(days=22)
    )
    on_time = RelationshipFactory(
        organisation=organisation, last_contact_on=today - dt.timedelta(days=21)
    )
    weekly = RelationshipFactory(
        organisation=organisation,
        rhythm_days=7,
        grace_days=2,
        last_contact_on=today - dt.timedelta(days=10),
    )
    RelationshipFactory(
        organisation=organisation,
        status=Status.PAUSED,
        last_contact_on=today - dt.timedelta(days=99),
    )
    ContactFactory(relationship=on_time)
    found = list(selectors.gone_quiet(organisation=organisation, today=today))
    assert [r.pk for r in found] == [quiet.pk, weekly.pk]
    assert found[0].quiet_since == today - dt.timedelta(days=22)
