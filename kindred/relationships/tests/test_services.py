import datetime as dt
from typing import Any, cast

import pytest
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, HistoryIsAppendOnly, IllegalTransition
from kindred.matching.models import Match, MatchStatus
from kindred.notifications.models import Notification
from kindred.referrals.models import Status as ReferralStatus
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships import selectors, services
from kindred.relationships.models import ConcernLink, Status, StatusChange
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory
from kindred.safeguarding.models import Concern, Entry
from kindred.volunteers.models import VolunteerHours
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


def test_introduction_then_first_contact_starts_support_and_the_referral(by, organisation):
    referral = ReferralFactory(organisation=organisation, status=ReferralStatus.WAITING)
    volunteer = VolunteerFactory(organisation=organisation)
    relationship = services.relationship_introduce(
        by=by,
        person=referral.person,
        volunteers=[volunteer],
        kind="befriending",
        usual_mode="visit",
        referral=referral,
    )
    match = Match.objects.create(  # as matching's match_accept records it
        organisation=organisation,
        referral=referral,
        volunteer=volunteer,
        score=1,
        explanation="",
        supporter_link=relationship.supporter_links.get(),
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
    assert [c.to_state for c in relationship.history.all()] == ["introduced", "active"]
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
    with pytest.raises(ChangedSinceYouLooked, match="it is now 'active'"):
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
    assert cast(Any, found[0]).quiet_since == today - dt.timedelta(days=22)  # annotated


def test_a_very_worried_contact_and_its_concern_are_saved_together_and_the_lead_told(
    by, organisation, make_user
):
    lead = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation, email="lead@example.com")
    relationship = RelationshipFactory(organisation=organisation, person__given_name="Maud")
    contact = services.contact_log(
        by=by,
        relationship_id=relationship.pk,
        volunteer=None,
        happened_on=timezone.localdate(),
        mode="phone",
        feeling="very_worried",
        concern_kind="crisis_follow_up",
        concern_detail="  Said she could not see the point any more  ",
    )
    concern = Concern.objects.get()
    assert (ConcernLink.objects.get(concern=concern).contact, concern.kind) == (
        contact,
        "crisis_follow_up",
    )
    assert (concern.person, concern.source) == (relationship.person, "contact")
    assert concern.detail == "Said she could not see the point any more"
    # It reaches the lead (the organisation names none, so whoever holds the role), not
    # every coordinator: they hear only if the lead does not acknowledge it in time.
    told = Notification.objects.filter(kind="safeguarding.concern")
    assert list(told.values_list("recipient", flat=True)) == [lead.email]
    assert list(Entry.objects.values_list("told__email", flat=True)) == [lead.email]
    assert all("Maud" not in n.body and "Maud" not in n.subject for n in told)


@pytest.mark.parametrize(
    ("kind", "detail", "field"),
    [
        ("", "x", None),
        ("nonsense", "x", "concern_kind"),
        ("safeguarding", "  ", "concern_detail"),
    ],
)
def test_a_concern_that_cannot_be_raised_saves_no_contact_either(
    by, organisation, kind, detail, field
):
    relationship = RelationshipFactory(organisation=organisation)
    arguments = {
        "by": by,
        "relationship_id": relationship.pk,
        "volunteer": None,
        "happened_on": timezone.localdate(),
        "mode": "visit",
        "feeling": "very_worried",
        "concern_kind": kind,
        "concern_detail": detail,
    }
    if field is None:  # no concern asked for: the contact alone is logged
        services.contact_log(**arguments)
        assert relationship.contacts.count() == 1
        return
    with pytest.raises(services.RelationshipError) as refused:
        services.contact_log(**arguments)
    assert refused.value.field == field
    assert not relationship.contacts.exists() and not Concern.objects.exists()


def test_refusals_name_the_field_they_are_about(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    with pytest.raises(services.RelationshipError) as refused:
        services.contact_log(
            by=by,
            relationship_id=relationship.pk,
            volunteer=None,
            happened_on=timezone.localdate() + dt.timedelta(days=1),
            mode="phone",
        )
    assert refused.value.field == "happened_on"
    with pytest.raises(services.RelationshipError) as refused:
        services.contact_log(
            by=by,
            relationship_id=relationship.pk,
            volunteer=None,
            happened_on=timezone.localdate(),
            mode="phone",
            duration_minutes=0,
        )
    assert refused.value.field == "duration_minutes"


def test_only_a_current_supporter_can_be_named_on_a_contact(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    stranger = VolunteerFactory(organisation=organisation, given_name="Zed", family_name="Stone")
    with pytest.raises(services.RelationshipError, match="Zed Stone does not support"):
        services.contact_log(
            by=by,
            relationship_id=relationship.pk,
            volunteer=stranger,
            happened_on=timezone.localdate(),
            mode="phone",
        )


def test_no_contact_is_logged_on_an_ended_relationship(by, organisation):
    relationship = RelationshipFactory(
        organisation=organisation, status=Status.ENDED, ended_on=timezone.localdate()
    )
    with pytest.raises(services.RelationshipError, match="has ended"):
        services.contact_log(
            by=by,
            relationship_id=relationship.pk,
            volunteer=None,
            happened_on=timezone.localdate(),
            mode="phone",
        )


def test_another_organisations_relationship_is_not_found(by, other_organisation):
    relationship = RelationshipFactory(organisation=other_organisation)
    with pytest.raises(services.RelationshipError, match="not in this organisation"):
        services.concern_raise(
            by=by, relationship_id=relationship.pk, kind="safeguarding", detail="Worried"
        )


def test_a_concern_with_a_level_outside_the_list_saves_no_contact(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    with pytest.raises(services.RelationshipError) as refused:
        services.contact_log(
            by=by, relationship_id=relationship.pk, volunteer=None,
            happened_on=timezone.localdate(), mode="visit", feeling="very_worried",
            concern_kind="safeguarding", concern_detail="Bruises", concern_level="dire",
        )  # fmt: skip
    assert refused.value.field == "concern_level"
    assert not relationship.contacts.exists() and not Concern.objects.exists()


def test_pause_resume_and_illegal_moves(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    services.relationship_move(
        by=by, relationship_id=relationship.pk, expected=Status.ACTIVE, to=Status.PAUSED
    )
    services.relationship_move(
        by=by, relationship_id=relationship.pk, expected=Status.PAUSED, to=Status.ACTIVE
    )
    with pytest.raises(IllegalTransition, match="cannot become 'introduced'"):
        services.relationship_move(
            by=by, relationship_id=relationship.pk, expected=Status.ACTIVE, to=Status.INTRODUCED
        )
    with pytest.raises(services.RelationshipError, match="Say why"):
        services.relationship_move(
            by=by, relationship_id=relationship.pk, expected=Status.ACTIVE, to=Status.ENDED
        )
    assert [c.to_state for c in relationship.history.all()] == ["paused", "active"]


def test_ending_needs_a_known_reason_outcome_and_next_step(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    for reason, outcome, next_step, message in [
        ("bored", "better", "none", "why"),
        ("goals_met", "great", "none", "how the person is"),
        ("goals_met", "better", "holiday", "next step"),
    ]:
        with pytest.raises(services.RelationshipError, match=message):
            services.relationship_end(
                by=by, relationship_id=relationship.pk, expected=Status.ACTIVE,
                reason=reason, outcome=outcome, next_step=next_step,
            )  # fmt: skip
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE


def test_a_second_supporter_cannot_be_introduced_twice_to_the_same_person(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    volunteer = relationship.supporter_links.get().volunteer
    with pytest.raises(services.RelationshipError, match="already supports"):
        services.relationship_introduce(
            by=by, person=relationship.person, volunteers=[volunteer],
            kind="befriending", usual_mode="visit",
        )  # fmt: skip


def test_views_and_refusals_are_audited_without_personal_data(by, organisation):
    relationship = RelationshipFactory(organisation=organisation, person__given_name="Maud")
    services.relationship_viewed(by=by, relationships=[relationship], where="record")
    services.relationship_view_refused(
        by=by, relationship=relationship, route="relationships:contact"
    )
    on_person = AuditEvent.objects.for_record(relationship.person)
    viewed = on_person.get(action="relationship.viewed")
    assert viewed.detail == {"relationship": str(relationship.pk), "where": "record"}
    refused = on_person.get(action="relationship.view_refused")
    assert refused.detail == {
        "relationship": str(relationship.pk),
        "route": "relationships:contact",
    }
    assert "Maud" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_the_history_is_the_shared_transition_record(by, organisation):
    relationship = RelationshipFactory(organisation=organisation)
    long_note = "She is in hospital for a while. " * 40  # longer than the old 500 characters
    services.relationship_move(
        by=by,
        relationship_id=relationship.pk,
        expected=Status.ACTIVE,
        to=Status.PAUSED,
        note=long_note,
    )
    [change] = relationship.history.all()
    assert (change.from_state, change.to_state) == ("active", "paused")
    assert (change.by_user, change.by_label) == (by.user, by.user.email)
    assert change.note == long_note.strip() and change.to_state_label() == "Paused"
    assert StatusChange.subject_field == "relationship"
    with pytest.raises(HistoryIsAppendOnly):
        change.delete()


def test_a_relationship_lock_is_only_for_the_organisation_acted_for(by, other_organisation):
    theirs = RelationshipFactory(organisation=other_organisation)
    with pytest.raises(services.RelationshipError, match="not in this organisation"):
        services.relationship_lock(by=by, relationship_id=theirs.pk)
