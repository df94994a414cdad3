"""Suggest matches: proposals with reasons and alternatives; accept, swap, reject, start."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.matching import services
from kindred.matching.models import Match, MatchStatus, Rejection
from kindred.matching.suggest import suggest
from kindred.matching.tests.factories import SupporterProfileFactory, WaitingProfileFactory
from kindred.referrals.models import Status
from kindred.relationships.models import Relationship
from kindred.relationships.models import Status as RelationshipStatus
from kindred.volunteers.models import AvailabilityWindow
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(organisation):
    return RoleFactory(organisation=organisation, dbs_level="basic")


@pytest.fixture
def supporter(organisation, role):
    def make(given_name, **profile):
        volunteer = SupporterProfileFactory(
            volunteer__organisation=organisation,
            volunteer__given_name=given_name,
            volunteer__family_name="Okafor",
            **profile,
        ).volunteer
        volunteer.roles.add(role)
        DbsCheckFactory(volunteer=volunteer, level="basic")
        return volunteer

    return make


def waiting(organisation, given_name, days=10, **profile):
    return WaitingProfileFactory(
        referral__organisation=organisation,
        referral__person__given_name=given_name,
        referral__received_at=timezone.now() - dt.timedelta(days=days),
        **profile,
    ).referral


def test_the_best_pair_is_proposed_with_why_and_the_next_best(organisation, supporter):
    stroke = supporter("Sam", experiences=["stroke"], interests=["Gardening"])
    supporter("Tom", experiences=["stroke", "copd"], interests=[])
    referral = waiting(
        organisation, "Ada", days=41, experiences=["stroke"], interests=["gardening"]
    )
    result = suggest(organisation=organisation)
    [proposal] = result.proposals
    assert proposal.referral == referral
    assert proposal.supporters[0].volunteer == stroke
    assert proposal.supporters[0].reasons == (
        "Both stroke survivors",
        "Both enjoy gardening",
        "Both speak English",
        "Has room for 2 more people",
    )
    # What the coordinator read is what a match records.
    assert proposal.supporters[0].explanation == (
        "Both stroke survivors. Both enjoy gardening. Both speak English. "
        "Has room for 2 more people."
    )
    assert [c.volunteer.given_name for c in proposal.alternatives] == ["Tom"]


def test_the_solve_shares_supporters_out_to_fill_the_most_places(organisation, supporter):
    supporter("Sam", experiences=["stroke", "copd"], capacity=1)
    supporter("Tom", experiences=["copd"], capacity=1)
    waiting(organisation, "Ada", experiences=["stroke", "copd"])
    waiting(organisation, "Bea", experiences=["stroke"])
    result = suggest(organisation=organisation)
    assert len(result.proposals) == 2
    assert not result.without_supporter


def test_face_to_face_candidates_are_the_nearest_within_travel(organisation, supporter):
    near = supporter("Near", modes=["visit"], max_travel_km=5)
    near.matching_profile.easting, near.matching_profile.northing = 390_000, 390_000
    near.matching_profile.save()
    far = supporter("Far", modes=["visit"], max_travel_km=5)
    far.matching_profile.easting, far.matching_profile.northing = 400_000, 390_000
    far.matching_profile.save()
    referral = waiting(organisation, "Ada", modes=["visit"])
    referral.person.easting, referral.person.northing = 391_000, 390_000
    referral.person.save()
    [proposal] = suggest(organisation=organisation).proposals
    assert proposal.supporters[0].volunteer == near
    assert "1.0 km away" in proposal.supporters[0].reasons
    assert proposal.supporters[0].meeting == "home visits"
    assert proposal.alternatives == []  # 9 km is beyond Far's 5 km


def test_availability_from_the_volunteers_app_is_used(organisation, supporter):
    sam = supporter("Sam", experiences=["stroke"], interests=[])
    supporter("Tom", experiences=["stroke"], interests=[])
    AvailabilityWindow.objects.create(
        volunteer=sam, weekday=1, starts_at=dt.time(13), ends_at=dt.time(16)
    )
    waiting(organisation, "Ada", days=3, experiences=["stroke"], interests=[],
            free_times=["1-afternoon", "4-morning"])  # fmt: skip
    [proposal] = suggest(organisation=organisation).proposals
    assert proposal.supporters[0].volunteer == sam
    assert proposal.supporters[0].reasons[:2] == (
        "Both stroke survivors",
        "Both free Tuesday afternoons",
    )
    assert proposal.supporters[0].score > proposal.alternatives[0].score


def test_a_persons_free_times_are_saved_from_the_form(client_as, organisation):
    referral = waiting(organisation, "Ada")
    url = reverse("matching:waiting_profile", kwargs={"referral_id": referral.pk})
    client = client_as(Role.COORDINATOR)
    assert "Tuesday afternoon" in client.get(url).content.decode()
    client.post(url, {"modes": ["phone"], "free_times": ["1-afternoon"]})
    referral.matching_profile.refresh_from_db()
    assert referral.matching_profile.free_times == ["1-afternoon"]


def test_a_coordinator_accepts_and_then_support_starts(client_as, organisation, supporter):
    sam = supporter("Sam", modes=["phone", "visit"])
    referral = waiting(organisation, "Ada", modes=["visit", "phone"])
    referral.person.easting, referral.person.northing = 390_000, 390_000
    referral.person.save()
    sam.matching_profile.easting, sam.matching_profile.northing = 391_000, 390_000
    sam.matching_profile.save()
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("matching:suggest")).content.decode()
    assert "Ada" in page and "Accept match with Sam" in page
    [seen] = AuditEvent.objects.filter(action__startswith="match_suggestions.")
    assert (seen.action, seen.detail) == ("match_suggestions.viewed", {"proposals": 1})
    response = client.post(
        reverse("matching:accept", kwargs={"referral_id": referral.pk, "volunteer_id": sam.pk}),
        follow=True,
    )
    assert "is to be introduced to Sam" in response.content.decode()
    match = Match.objects.get()
    assert (match.referral, match.volunteer, match.status) == (
        referral,
        sam,
        MatchStatus.INTRODUCED,
    )
    # The introduction is a relationship in the relationships app, face to face preferred.
    relationship = Relationship.objects.get()
    assert (relationship.person, relationship.referral) == (referral.person, referral)
    assert relationship.status == RelationshipStatus.INTRODUCED
    assert (relationship.kind, relationship.usual_mode) == ("befriending", "visit")
    assert [link.match for link in relationship.supporter_links.all()] == [match]
    referral.refresh_from_db()
    assert referral.status == Status.WAITING  # not until the relationship begins
    assert "Accept match with Sam" not in client.get(reverse("matching:suggest")).content.decode()
    # No longer waiting for a match: waiting for the introduction instead.
    assert (
        "Nobody is waiting for a match" in client.get(reverse("matching:waiting")).content.decode()
    )
    introductions = client.get(reverse("matching:introductions")).content.decode()
    assert "Ada" in introductions and "Sam" in introductions
    detail = reverse("relationships:detail", kwargs={"relationship_id": relationship.pk})
    assert f'href="{detail}"' in introductions
    person_page = client.get(reverse("people:detail", kwargs={"person_id": referral.person_id}))
    assert f'href="{detail}"' in person_page.content.decode()
    response = client.post(
        reverse("matching:start", kwargs={"relationship_id": relationship.pk}), follow=True
    )
    assert "Support has started for" in response.content.decode()
    match.refresh_from_db()
    referral.refresh_from_db()
    relationship.refresh_from_db()
    assert match.status == MatchStatus.STARTED and referral.status == Status.STARTED
    assert relationship.status == RelationshipStatus.ACTIVE
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"match.accepted", "relationship.introduced", "relationship.moved"} <= actions
    # Starting twice is refused plainly, not a server error.
    again = client.post(
        reverse("matching:start", kwargs={"relationship_id": relationship.pk}), follow=True
    )
    assert again.status_code == 200
    body = again.content.decode()
    assert "kindred-message--error" in body and "is now &#39;active&#39;" in body


def test_swapping_accepts_an_alternative(client_as, organisation, supporter):
    supporter("Sam", experiences=["stroke"], interests=["chess"])
    tom = supporter("Tom", experiences=["stroke"], interests=[])
    referral = waiting(organisation, "Ada", experiences=["stroke"], interests=["chess"])
    page = client_as(Role.COORDINATOR).get(reverse("matching:suggest")).content.decode()
    assert "Accept match with Sam" in page and "Accept Tom" in page and "instead" in page
    client_as(Role.COORDINATOR).post(
        reverse("matching:accept", kwargs={"referral_id": referral.pk, "volunteer_id": tom.pk})
    )
    assert Match.objects.get().volunteer == tom


def test_a_rejected_pair_is_never_proposed_again(client_as, organisation, supporter):
    sam = supporter("Sam", experiences=["stroke"])
    referral = waiting(organisation, "Ada", experiences=["stroke"])
    url = reverse("matching:reject", kwargs={"referral_id": referral.pk, "volunteer_id": sam.pk})
    client = client_as(Role.COORDINATOR)
    assert "Enter why this match is not right" in client.post(url, {"reason": " "}).content.decode()
    assert not Rejection.objects.exists()
    client.post(url, {"reason": "They met before at church"})
    assert Rejection.objects.get().reason == "They met before at church"
    result = suggest(organisation=organisation)
    assert result.proposals == [] and result.without_supporter == [referral]
    with pytest.raises(services.StaleProposal):
        services.match_accept(
            by=Acting(user=None, organisation=organisation),
            referral_id=referral.pk,
            volunteer_id=sam.pk,
        )


def test_a_stale_proposal_is_refused_with_a_refreshed_suggestion(
    client_as, organisation, supporter
):
    sam = supporter("Sam", capacity=1)
    first = waiting(organisation, "Ada", days=30)
    second = waiting(organisation, "Bea", days=5)
    by = Acting(user=None, organisation=organisation)
    services.match_accept(by=by, referral_id=first.pk, volunteer_id=sam.pk)
    client = client_as(Role.COORDINATOR)
    response = client.post(
        reverse("matching:accept", kwargs={"referral_id": second.pk, "volunteer_id": sam.pk}),
        follow=True,
    )
    body = response.content.decode()
    assert "Sam" in body and "already supporting as many people as they can (1)" in body
    assert "worked out again" in body
    assert Match.objects.filter(volunteer=sam).count() == 1


def test_nobody_is_matched_without_a_human_decision(organisation, supporter):
    supporter("Sam")
    waiting(organisation, "Ada")
    suggest(organisation=organisation)
    assert not Match.objects.exists()


def test_another_organisations_pair_is_not_found(client_as, other_organisation):
    referral = WaitingProfileFactory(referral__organisation=other_organisation).referral
    volunteer = SupporterProfileFactory(volunteer__organisation=other_organisation).volunteer
    url = reverse(
        "matching:accept", kwargs={"referral_id": referral.pk, "volunteer_id": volunteer.pk}
    )
    assert client_as(Role.COORDINATOR).post(url).status_code == 404
    assert not Match.objects.exists()


def test_suggestions_for_one_person_and_their_page_section(client_as, organisation, supporter):
    sam = supporter("Sam")
    ada = waiting(organisation, "Ada")
    waiting(organisation, "Bea")
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("matching:suggest") + f"?referral={ada.pk}").content.decode()
    assert "Suggested matches for Ada" in page and "Bea" not in page
    assert client.get(reverse("matching:suggest") + "?referral=nonsense").status_code == 404
    services.match_accept(
        by=Acting(user=None, organisation=organisation), referral_id=ada.pk, volunteer_id=sam.pk
    )
    person_page = client.get(reverse("people:detail", kwargs={"person_id": ada.person.pk}))
    body = person_page.content.decode()
    assert "Matching with a supporter" in body
    assert "introduction being made" in body and sam.display_name in body


def test_suggestions_leave_out_the_matched_and_take_the_same_queries_for_more_people(
    organisation, coordinator, supporter
):
    by = Acting(coordinator, organisation)
    sam = supporter("Sam", modes=["phone"])
    ada = waiting(organisation, "Ada", modes=["phone"])
    services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    supporter("Tom", modes=["phone"])
    waiting(organisation, "Bea", modes=["phone"])
    with CaptureQueriesContext(connection) as few:
        first = suggest(organisation=organisation)
    # Ada has an accepted match: she is neither proposed nor left without a supporter.
    assert [p.referral.person.given_name for p in first.proposals] == ["Bea"]
    assert first.without_supporter == []
    for n in range(5):
        supporter(f"Supporter{n}", modes=["phone"])
        waiting(organisation, f"Person{n}", modes=["phone"])
    with CaptureQueriesContext(connection) as many:
        assert len(suggest(organisation=organisation).proposals) == 6
    assert len(many) == len(few)
