"""Some people need a pair of supporters (Solidarity in a Crisis): proposed together with both
explanations, accepted in one decision (two matches, one relationship), swapped or rejected one
supporter at a time, and never proposed or accepted as half a pair."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.matching import services
from kindred.matching.models import Match, MatchStatus, Rejection, WaitingProfile
from kindred.matching.suggest import suggest
from kindred.matching.tests.factories import eligible_supporter, waiting_referral
from kindred.relationships.models import Relationship
from kindred.relationships.tests.factories import RelationshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def by(organisation, coordinator):
    return Acting(coordinator, organisation)


def accept_url(referral, volunteer):
    return reverse(
        "matching:accept", kwargs={"referral_id": referral.pk, "volunteer_id": volunteer.pk}
    )


def test_someone_who_needs_two_is_proposed_a_pair_with_both_explanations(organisation):
    sam = eligible_supporter(organisation, "Sam", interests=["chess", "Gardening"])
    tom = eligible_supporter(organisation, "Tom", interests=["chess"])
    eligible_supporter(organisation, "Una", interests=[])
    ada = waiting_referral(
        organisation, "Ada", days=5, experiences=["stroke"], interests=["chess", "gardening"],
        supporters_needed=2,
    )  # fmt: skip
    [proposal] = suggest(organisation=organisation).proposals
    assert proposal.referral == ada and proposal.is_pair
    assert [c.volunteer for c in proposal.supporters] == [sam, tom]  # best first
    assert [c.reasons for c in proposal.supporters] == [
        (
            "Both stroke survivors",
            "Both enjoy chess and gardening",
            "Both speak English",
            "Has room for 2 more people",
        ),
        (
            "Both stroke survivors",
            "Both enjoy chess",
            "Both speak English",
            "Has room for 2 more people",
        ),
    ]
    assert [c.volunteer.given_name for c in proposal.alternatives] == ["Una"]


def test_a_coordinator_accepts_a_pair_in_one_decision(client_as, organisation):
    sam = eligible_supporter(organisation, "Sam")
    tom = eligible_supporter(organisation, "Tom")
    ada = waiting_referral(organisation, "Ada", supporters_needed=2)
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("matching:suggest")).content.decode()
    assert "needs a pair of supporters" in page
    assert "as a pair" in page
    assert f'name="partner" value="{tom.pk}"' in page or f'name="partner" value="{sam.pk}"' in page

    response = client.post(accept_url(ada, sam), {"partner": str(tom.pk)}, follow=True)
    assert "is to be introduced to" in response.content.decode()
    matches = Match.objects.order_by("volunteer__given_name")
    assert [(m.volunteer, m.status) for m in matches] == [
        (sam, MatchStatus.INTRODUCED),
        (tom, MatchStatus.INTRODUCED),
    ]
    relationship = Relationship.objects.get()
    links = relationship.supporter_links.order_by("volunteer__given_name")
    assert [(link.volunteer, link.match) for link in links] == list(
        zip([sam, tom], matches, strict=True)
    )
    assert relationship.referral == ada and relationship.organisation == organisation
    events = AuditEvent.objects.filter(action="match.accepted")
    assert events.count() == 2 and all(e.detail["pair"] for e in events)
    # Nobody is proposed for Ada again, and the pair shows as one introduction.
    assert "as a pair" not in client.get(reverse("matching:suggest")).content.decode()
    introductions = client.get(reverse("matching:introductions")).content.decode()
    assert "Sam" in introductions and "Tom" in introductions


def test_half_a_pair_is_never_proposed_and_the_supporter_goes_to_someone_else(organisation):
    sam = eligible_supporter(organisation, "Sam", capacity=1)
    ada = waiting_referral(organisation, "Ada", days=300, supporters_needed=2)
    bea = waiting_referral(organisation, "Bea", days=1)
    result = suggest(organisation=organisation)
    assert [(p.referral, [c.volunteer for c in p.supporters]) for p in result.proposals] == [
        (bea, [sam])
    ]
    assert result.without_supporter == [ada] and result.needs == {ada.pk: 2}


def test_a_pair_is_accepted_whole_or_not_at_all(by, organisation):
    sam = eligible_supporter(organisation, "Sam")
    tom = eligible_supporter(organisation, "Tom")
    ada = waiting_referral(organisation, "Ada", supporters_needed=2)
    bea = waiting_referral(organisation, "Bea")
    with pytest.raises(services.StaleProposal, match="needs a pair of supporters"):
        services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk)
    with pytest.raises(services.StaleProposal, match="needs one supporter, not a pair"):
        services.match_accept(by=by, referral_id=bea.pk, volunteer_id=sam.pk, partner_id=tom.pk)
    with pytest.raises(services.MatchingError, match="two different supporters"):
        services.match_accept(by=by, referral_id=ada.pk, volunteer_id=sam.pk, partner_id=sam.pk)
    assert not Match.objects.exists() and not Relationship.objects.exists()


def test_a_pair_with_one_supporter_full_is_refused_whole(client_as, by, organisation):
    sam = eligible_supporter(organisation, "Sam", capacity=2)
    tom = eligible_supporter(organisation, "Tom", capacity=1)
    ada = waiting_referral(organisation, "Ada", supporters_needed=2)
    # Meanwhile Tom takes on someone else (his one place), in any organisation's relationship.
    RelationshipFactory(organisation=organisation, supporters=[tom])
    response = client_as(Role.COORDINATOR).post(
        accept_url(ada, sam), {"partner": str(tom.pk)}, follow=True
    )
    body = response.content.decode()
    assert "already supporting as many people as they can (1)" in body
    assert "worked out again" in body and "Suggested matches for Ada" in body
    assert not Match.objects.exists()
    assert Relationship.objects.count() == 1


def test_swapping_one_of_a_pair_for_an_alternative(client_as, organisation):
    sam = eligible_supporter(organisation, "Sam", interests=["gardening", "chess"])
    tom = eligible_supporter(organisation, "Tom", interests=["gardening", "chess"])
    una = eligible_supporter(organisation, "Una", interests=[])
    ada = waiting_referral(organisation, "Ada", interests=["gardening", "chess"],
                           supporters_needed=2)  # fmt: skip
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("matching:suggest")).content.decode()
    assert "Accept Una" in page and "instead of Sam" in page and "instead of Tom" in page
    client.post(accept_url(ada, una), {"partner": str(tom.pk)})
    assert set(Match.objects.values_list("volunteer__given_name", flat=True)) == {"Una", "Tom"}
    assert {link.volunteer for link in Relationship.objects.get().supporter_links.all()} == {
        una,
        tom,
    }
    assert sam not in {m.volunteer for m in Match.objects.all()}


def test_rejecting_one_of_a_pair_proposes_another_pair_without_them(client_as, organisation):
    sam = eligible_supporter(organisation, "Sam", interests=["gardening", "chess"])
    eligible_supporter(organisation, "Tom", interests=["gardening"])
    eligible_supporter(organisation, "Una", interests=[])
    ada = waiting_referral(organisation, "Ada", interests=["gardening", "chess"],
                           supporters_needed=2)  # fmt: skip
    client = client_as(Role.COORDINATOR)
    url = reverse("matching:reject", kwargs={"referral_id": ada.pk, "volunteer_id": sam.pk})
    response = client.post(url, {"reason": "Sam knows the family"}, follow=True)
    assert "will not be suggested for Ada" in response.content.decode()
    assert Rejection.objects.get().volunteer == sam
    [proposal] = suggest(organisation=organisation).proposals
    assert {c.volunteer.given_name for c in proposal.supporters} == {"Tom", "Una"}
    assert sam not in [c.volunteer for c in proposal.alternatives]


def test_the_database_allows_a_pair_but_never_the_same_supporter_twice(organisation):
    sam = eligible_supporter(organisation, "Sam")
    tom = eligible_supporter(organisation, "Tom")
    ada = waiting_referral(organisation, "Ada", supporters_needed=2)

    def match(volunteer, status=MatchStatus.INTRODUCED):
        return Match.objects.create(
            organisation=organisation,
            referral=ada,
            volunteer=volunteer,
            score=0.5,
            explanation="",
            status=status,
        )

    match(sam)
    match(tom)
    with pytest.raises(IntegrityError), transaction.atomic():
        match(sam, MatchStatus.STARTED)
    match(sam, MatchStatus.ENDED)  # an ended match does not count


def test_a_coordinator_says_someone_needs_a_pair(client_as, organisation):
    ada = waiting_referral(organisation, "Ada")
    url = reverse("matching:waiting_profile", kwargs={"referral_id": ada.pk})
    client = client_as(Role.COORDINATOR)
    assert "A pair of supporters" in client.get(url).content.decode()
    response = client.post(url, {"modes": ["phone"], "supporters_needed": "3"})
    assert "Select whether they need one supporter or a pair" in response.content.decode()
    assert WaitingProfile.objects.get(referral=ada).supporters_needed == 1
    client.post(url, {"modes": ["phone"], "supporters_needed": "2"})
    assert WaitingProfile.objects.get(referral=ada).supporters_needed == 2
    person_page = client.get(reverse("people:detail", kwargs={"person_id": ada.person_id}))
    assert "Waiting for a pair of supporters" in person_page.content.decode()


def test_the_match_command_prints_a_pair(organisation):
    eligible_supporter(organisation, "Sam", capacity=1)
    eligible_supporter(organisation, "Tom", capacity=1)
    waiting_referral(organisation, "Ada", supporters_needed=2)
    waiting_referral(organisation, "Bea", supporters_needed=2)
    out = io.StringIO()
    call_command("match", "--organisation", organisation.slug, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "(a pair of supporters)" in text
    assert "no pair of supporters available yet" in text
    assert "1 proposed, 1 without a supporter" in text
