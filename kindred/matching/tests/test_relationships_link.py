"""Matching and the relationships app: capacity counted from open relationships, continuity with
a supporter from before, and a relationship that ended badly never matched again."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.matching import selectors, services
from kindred.matching.models import Match, MatchStatus
from kindred.matching.suggest import suggest
from kindred.matching.tests.factories import eligible_supporter, waiting_referral
from kindred.relationships import services as relationships
from kindred.relationships.models import Kind, Relationship, Status
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.models import VolunteeringRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def by(organisation, coordinator):
    return Acting(coordinator, organisation)


def ended(organisation, person, volunteer, reason):
    return RelationshipFactory(
        organisation=organisation,
        person=person,
        supporters=[volunteer],
        status=Status.ENDED,
        ended_on=timezone.localdate() - dt.timedelta(days=100),
        end_reason=reason,
        outcome="better",
        next_step="none",
    )


def test_a_supporter_who_supported_them_before_comes_first_and_says_so(organisation):
    eligible_supporter(organisation, "Sam", interests=[])
    tom = eligible_supporter(organisation, "Tom", interests=[])
    ada = waiting_referral(organisation, "Ada", days=10, interests=[])
    ended(organisation, ada.person, tom, "moved_away")
    [proposal] = suggest(organisation=organisation).proposals
    [chosen] = proposal.supporters
    assert chosen.volunteer == tom
    name = ada.person.given_name
    assert chosen.reasons[:2] == ("Both stroke survivors", f"Supported {name} before")
    [other] = proposal.alternatives
    assert other.reasons[0] == "Both stroke survivors"
    assert f"Supported {name} before" not in other.reasons
    assert chosen.score > other.score


def test_continuity_is_kept_when_the_match_is_accepted(by, organisation):
    tom = eligible_supporter(organisation, "Tom", interests=[])
    ada = waiting_referral(organisation, "Ada", days=10, interests=[])
    ended(organisation, ada.person, tom, "goals_met")
    accepted = services.match_accept(by=by, referral_id=ada.pk, volunteer_id=tom.pk)
    assert f"Supported {ada.person.given_name} before." in accepted.matches[0].explanation


def test_a_pair_whose_support_ended_because_it_was_not_right_is_never_matched_again(
    by, organisation
):
    tom = eligible_supporter(organisation, "Tom")
    ada = waiting_referral(organisation, "Ada")
    ended(organisation, ada.person, tom, "not_right")
    result = suggest(organisation=organisation)
    assert result.proposals == [] and result.without_supporter == [ada]
    with pytest.raises(services.StaleProposal, match="because the match was not right"):
        services.match_accept(by=by, referral_id=ada.pk, volunteer_id=tom.pk)
    role = VolunteeringRole.objects.get(organisation=organisation)
    [checked] = selectors.supporters_checked(organisation=organisation, referral=ada, role=role)
    assert checked.refusals == [
        "Their support together ended before because the match was not right"
    ]


def test_places_are_counted_from_open_relationships_not_matches(by, organisation):
    sam = eligible_supporter(organisation, "Sam", capacity=1)
    ada = waiting_referral(organisation, "Ada")
    # Sam already supports someone in a relationship a coordinator made without matching.
    busy = RelationshipFactory(organisation=organisation, supporters=[sam])
    assert suggest(organisation=organisation).proposals == []
    with pytest.raises(services.StaleProposal, match="as many people as they can"):
        services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    # When that relationship ends, the place is free again.
    busy.status, busy.ended_on = Status.ENDED, timezone.localdate()
    busy.save()
    [proposal] = suggest(organisation=organisation).proposals
    assert proposal.supporters[0].volunteer == sam
    services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    assert Match.objects.get().volunteer == sam


def test_the_relationship_kind_follows_the_role(by, organisation):
    sam = eligible_supporter(organisation, "Sam")
    VolunteeringRole.objects.filter(organisation=organisation).update(name="Peer mentor")
    ada = waiting_referral(organisation, "Ada", modes=["phone", "video"])
    services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    relationship = Relationship.objects.get()
    assert (relationship.kind, relationship.usual_mode) == (Kind.PEER_MENTORING, "phone")


def test_a_relationship_error_leaves_nothing_behind(by, organisation):
    sam = eligible_supporter(organisation, "Sam")
    ada = waiting_referral(organisation, "Ada")
    # Sam already supports Ada in an open relationship from elsewhere: introducing again fails.
    RelationshipFactory(organisation=organisation, person=ada.person, supporters=[sam])
    with pytest.raises(services.StaleProposal, match="already supports"):
        services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    assert not Match.objects.exists()
    assert Relationship.objects.count() == 1


def test_the_supporters_page_shows_places_taken_without_n_plus_one(
    client_as, organisation, django_assert_max_num_queries
):

    sam = eligible_supporter(organisation, "Sam", capacity=3)
    for _ in range(6):
        RelationshipFactory(
            organisation=organisation, supporters=[eligible_supporter(organisation)]
        )
    RelationshipFactory(organisation=organisation, supporters=[sam])
    client = client_as(Role.COORDINATOR)
    with django_assert_max_num_queries(15):
        body = client.get(reverse("matching:supporters")).content.decode()
    assert "1 of 3" in body and "People supported now" in body


def test_matches_follow_their_relationship_through_matchings_own_services(by, organisation):
    """Relationships tells (kindred.relationships.signals); matching's receivers mark its own
    matches started, then ended. Another relationship's matches are left alone."""
    sam, tom = (eligible_supporter(organisation, name) for name in ("Sam", "Tom"))
    ada, bea = (waiting_referral(organisation, name) for name in ("Ada", "Bea"))
    mine = services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    other = services.match_accept(by=by, referral_id=bea.pk, volunteer_id=tom.pk)
    [match], [untouched] = mine.matches, other.matches
    assert match.supporter_link == mine.relationship.supporter_links.get()

    relationships.relationship_move(
        by=by,
        relationship_id=mine.relationship.pk,
        expected=Status.INTRODUCED,
        to=Status.ACTIVE,
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.STARTED and match.started_at is not None
    relationships.relationship_end(
        by=by,
        relationship_id=mine.relationship.pk,
        expected=Status.ACTIVE,
        reason="goals_met",
        outcome="better",
        next_step="none",
    )
    match.refresh_from_db()
    untouched.refresh_from_db()
    assert match.status == MatchStatus.ENDED
    assert (untouched.status, untouched.started_at) == (MatchStatus.INTRODUCED, None)


def test_a_match_introduced_then_ended_before_support_began_ends_too(by, organisation):
    sam = eligible_supporter(organisation, "Sam")
    ada = waiting_referral(organisation, "Ada")
    accepted = services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    relationships.relationship_end(
        by=by,
        relationship_id=accepted.relationship.pk,
        expected=Status.INTRODUCED,
        reason="not_right",
        outcome="not_known",
        next_step="another_supporter",
    )
    [match] = accepted.matches
    match.refresh_from_db()
    assert (match.status, match.started_at) == (MatchStatus.ENDED, None)
