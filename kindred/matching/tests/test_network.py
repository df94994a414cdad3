"""Network admins match across the organisations of their network that agree to share (ADR-013):
off by default, an organisation admin's recorded and audited choice; another network sees
nothing."""

import pytest
from django.db import connection
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.matching import selectors, services
from kindred.matching.models import Match, NetworkSharing, Rejection
from kindred.matching.suggest import suggest, suggest_network
from kindred.matching.tests.factories import eligible_supporter, waiting_referral
from kindred.relationships.models import Relationship
from kindred.relationships.services import RelationshipError, relationship_introduce

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(organisation):
    """Another organisation of the same network."""
    return OrganisationFactory(slug="maecare", name="MAEcare Leeds", network=organisation.network)


@pytest.fixture
def quiet(organisation):
    """An organisation of the same network that never agreed to share."""
    return OrganisationFactory(slug="quiet-one", name="Quiet One", network=organisation.network)


def share(*organisations):
    for organisation in organisations:
        NetworkSharing.objects.update_or_create(
            organisation=organisation, defaults={"shares": True}
        )


@pytest.fixture
def network_admin(make_user, organisation):
    return make_user(Role.NETWORK_ADMIN, organisation=organisation, email="net@example.com")


def accept_url(referral, volunteer):
    return reverse(
        "matching:network_accept", kwargs={"referral_id": referral.pk, "volunteer_id": volunteer.pk}
    )


def test_sharing_is_off_until_an_organisation_admin_agrees(client_as, organisation):
    url = reverse("matching:sharing")
    assert client_as(Role.COORDINATOR).get(url).status_code == 403
    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.get(url).content.decode()
    assert "You do not share for matching at the moment" in page
    assert "Select whether to share" in client.post(url, {}).content.decode()
    assert not NetworkSharing.objects.filter(shares=True).exists()

    client.post(url, {"shares": "yes"})
    sharing = NetworkSharing.objects.get(organisation=organisation)
    assert sharing.shares and sharing.changed_by is not None and sharing.changed_at is not None
    assert "You share for matching since" in client.get(url).content.decode()
    client.post(url, {"shares": "no"})
    sharing.refresh_from_db()
    assert not sharing.shares
    events = AuditEvent.objects.filter(action="network_sharing.changed").order_by("occurred_at")
    assert [e.detail["shares"] for e in events] == [True, False]
    assert all(e.organisation == organisation for e in events)


def test_an_organisation_outside_any_network_has_nothing_to_share(make_user, sign_in):
    alone = OrganisationFactory(slug="alone", name="On Our Own", network=None)
    client = sign_in(make_user(Role.ORGANISATION_ADMIN, organisation=alone), alone)
    page = client.get(reverse("matching:sharing")).content.decode()
    assert "is not part of a network" in page
    response = client.post(reverse("matching:sharing"), {"shares": "yes"})
    assert "not part of a network" in response.content.decode()
    assert not NetworkSharing.objects.exists()


def test_a_network_admin_is_proposed_supporters_from_other_sharing_organisations(
    organisation, neighbour, quiet
):
    ada = waiting_referral(organisation, "Ada")
    theirs = eligible_supporter(neighbour, "Sam")
    eligible_supporter(quiet, "Quentin")
    waiting_referral(quiet, "Quinn")
    # Until both agree, nothing crosses: the neighbour's supporter is not proposed.
    share(organisation)
    result = suggest_network(organisation=organisation)
    assert result.proposals == [] and result.without_supporter == [ada]
    share(neighbour)
    result = suggest_network(organisation=organisation)
    [proposal] = result.proposals
    assert (proposal.referral, proposal.supporters[0].volunteer) == (ada, theirs)
    assert proposal.cross_organisation
    assert result.organisations == [organisation, neighbour]  # never the quiet one
    # A coordinator's own suggestions stay within the organisation.
    assert suggest(organisation=organisation).proposals == []


def test_accepting_records_the_match_and_relationship_in_the_persons_organisation(
    sign_in, network_admin, organisation, neighbour
):
    share(organisation, neighbour)
    theirs = eligible_supporter(neighbour, "Sam")
    ada = waiting_referral(organisation, "Ada")
    bea = waiting_referral(neighbour, "Bea")
    ours = eligible_supporter(organisation, "Tom", capacity=1)
    client = sign_in(network_admin, organisation)
    page = client.get(reverse("matching:network_suggest")).content.decode()
    assert "Suggested matches across the network" in page
    assert "MAEcare Leeds" in page and "Ada" in page and "Bea" in page

    response = client.post(accept_url(ada, theirs), follow=True)
    assert "is to be introduced to Sam" in response.content.decode()
    match = Match.objects.get(referral=ada)
    assert (match.organisation, match.volunteer) == (organisation, theirs)
    relationship = Relationship.objects.get(referral=ada)
    assert relationship.organisation == organisation
    assert [link.volunteer for link in relationship.supporter_links.all()] == [theirs]

    # And the other way: the neighbour's person with our supporter, recorded with them.
    client.post(accept_url(bea, ours))
    match = Match.objects.get(referral=bea)
    assert (match.organisation, match.volunteer) == (neighbour, ours)
    assert Relationship.objects.get(referral=bea).organisation == neighbour
    event = AuditEvent.objects.get(action="match.accepted", target_id=str(match.pk))
    assert event.organisation == neighbour and event.detail["across_network"]
    assert event.detail["acting_for"] == str(organisation.pk)
    # Each organisation's audit log shows that the network admin looked at its records.
    assert AuditEvent.objects.filter(
        action="match_suggestions.viewed", organisation=neighbour
    ).exists()


def test_a_network_admin_rejects_a_pair_in_the_persons_organisation(
    sign_in, network_admin, organisation, neighbour
):
    share(organisation, neighbour)
    theirs = eligible_supporter(neighbour, "Sam")
    ada = waiting_referral(organisation, "Ada")
    url = reverse(
        "matching:network_reject", kwargs={"referral_id": ada.pk, "volunteer_id": theirs.pk}
    )
    client = sign_in(network_admin, organisation)
    assert "Enter why this match is not right" in client.post(url, {}).content.decode()
    response = client.post(url, {"reason": "Too far for a first meeting"}, follow=True)
    assert "will not be suggested" in response.content.decode()
    rejection = Rejection.objects.get()
    assert (rejection.organisation, rejection.volunteer) == (organisation, theirs)
    assert suggest_network(organisation=organisation).proposals == []


def test_stopping_sharing_refuses_a_proposal_shown_before(
    sign_in, network_admin, organisation, neighbour
):
    share(organisation, neighbour)
    theirs = eligible_supporter(neighbour, "Sam")
    ada = waiting_referral(organisation, "Ada")
    client = sign_in(network_admin, organisation)
    assert (
        "Accept match with Sam" in client.get(reverse("matching:network_suggest")).content.decode()
    )
    NetworkSharing.objects.filter(organisation=neighbour).update(shares=False)
    assert client.post(accept_url(ada, theirs)).status_code == 404
    with pytest.raises(services.MatchingError, match="not in this organisation"):
        services.match_accept(
            by=Acting(network_admin, organisation),
            referral_id=ada.pk,
            volunteer_id=theirs.pk,
            across_network=True,
        )
    assert not Match.objects.exists()


def test_a_supporter_who_signs_in_needs_a_supporter_role_in_the_persons_organisation(
    sign_in, make_user, network_admin, organisation, neighbour
):
    """Or they could neither see nor log for the person (their relationship is ours). Without
    an account a coordinator of ours logs for them, so no role is needed."""
    share(organisation, neighbour)
    ada = waiting_referral(organisation, "Ada")
    theirs = eligible_supporter(neighbour, "Sam")
    theirs.family_name = "Patel"
    theirs.user = make_user(Role.VOLUNTEER, organisation=neighbour, email="sam@example.com")
    theirs.save()
    client = sign_in(network_admin, organisation)
    response = client.post(accept_url(ada, theirs), follow=True)
    page = response.content.decode()
    assert (
        "Sam Patel needs a peer supporter role in Crafty Needles before they can "
        "support someone there: ask an organisation admin of Crafty Needles to add them to the "
        "team" in page
    )
    assert not Match.objects.exists() and not Relationship.objects.exists()
    ada.refresh_from_db()
    assert ada.status == "waiting"

    # Once our organisation admin adds them to the team, the match can be accepted.
    MembershipFactory(user=theirs.user, organisation=organisation, role=Role.VOLUNTEER)
    client.post(accept_url(ada, theirs))
    assert Relationship.objects.get(referral=ada).organisation == organisation

    # A supporter with no account needs no role with us.
    bea = waiting_referral(organisation, "Bea")
    kim = eligible_supporter(neighbour, "Kim")
    accepted = services.match_accept(
        by=Acting(network_admin, organisation),
        referral_id=bea.pk,
        volunteer_id=kim.pk,
        across_network=True,
    )
    assert accepted.relationship.organisation == organisation


def test_relationships_take_a_supporter_from_another_organisation_only_when_matching_says(
    coordinator, organisation, neighbour, other_organisation
):
    """Relationships does not decide who shares across the network (it sits below matching):
    it takes supporters from the organisations the caller names, if they are of its network."""
    ada = waiting_referral(organisation, "Ada")
    theirs = eligible_supporter(neighbour, "Sam")
    elsewhere = eligible_supporter(other_organisation, "Kim")
    by = Acting(coordinator, organisation)

    def introduce(volunteer, **extra):
        return relationship_introduce(
            by=by,
            person=ada.person,
            volunteers=[volunteer],
            kind="befriending",
            usual_mode="phone",
            referral=ada,
            **extra,
        )

    share(organisation, neighbour)  # sharing alone does not make relationships reach further
    with pytest.raises(RelationshipError, match="not in this organisation"):
        introduce(theirs)
    with pytest.raises(RelationshipError, match="not in this organisation"):
        introduce(elsewhere, supporter_organisations=[other_organisation])  # another network
    assert not Relationship.objects.exists()
    scope = selectors.sharing_organisations(organisation=organisation)
    assert introduce(theirs, supporter_organisations=scope).organisation == organisation


def test_charlie_in_another_network_sees_nothing(
    sign_in, charlie, organisation, neighbour, other_organisation
):
    share(organisation, neighbour, other_organisation)
    theirs = eligible_supporter(neighbour, "Zebedee")
    ada = waiting_referral(organisation, "Quorra")
    eligible_supporter(other_organisation, "Carl")
    client = sign_in(charlie, other_organisation)
    page = client.get(reverse("matching:network_suggest")).content.decode()
    assert "Elsewhere Trust" in page
    assert "Quorra" not in page and "Zebedee" not in page and "MAEcare" not in page
    assert organisation.name not in page
    assert client.post(accept_url(ada, theirs)).status_code == 404
    reject = reverse(
        "matching:network_reject", kwargs={"referral_id": ada.pk, "volunteer_id": theirs.pk}
    )
    assert client.get(reject).status_code == 404
    assert (
        client.get(reverse("matching:network_suggest") + f"?referral={ada.pk}").status_code == 404
    )
    with pytest.raises(services.MatchingError):
        services.match_accept(
            by=Acting(charlie, other_organisation),
            referral_id=ada.pk,
            volunteer_id=theirs.pk,
            across_network=True,
        )
    assert not Match.objects.exists()


def test_the_home_page_tells_admins_about_sharing(client_as, organisation):
    share(organisation)
    admin_home = client_as(Role.ORGANISATION_ADMIN).get(reverse("core:home")).content.decode()
    assert "You share people waiting and supporters for matching across the network" in admin_home
    network_home = client_as(Role.NETWORK_ADMIN).get(reverse("core:home")).content.decode()
    assert "1 organisation shares for matching" in network_home
    assert "Suggest matches across the network" in network_home


QUERIES_TO_WORK_OUT = 46
QUERIES_TO_READ = 29


def test_network_suggestions_take_the_same_queries_however_many_are_waiting(
    sign_in, make_user, network_admin, organisation, neighbour, django_assert_max_num_queries
):
    """Also with supporters who sign in, some with a role in the other organisation and some
    without: their roles are fetched in one query, not one per pair."""
    share(organisation, neighbour)
    for place, other in ((organisation, neighbour), (neighbour, organisation)):
        for i in range(8):
            supporter = eligible_supporter(place, f"Sam{i}")
            if i % 4:
                supporter.user = make_user(Role.VOLUNTEER, organisation=place)
                supporter.save()
                if i % 2:
                    MembershipFactory(user=supporter.user, organisation=other, role=Role.VOLUNTEER)
            waiting_referral(place, f"Ada{i}", supporters_needed=1 + i % 2)
    client = sign_in(network_admin, organisation)
    # The worker works them out (ADR-101): 42 queries for the suggestions themselves (two of
    # the supporters each organisation's who said this month they are struggling), and the
    # run's own rows (queued, taken, progress, finished).
    with django_assert_max_num_queries(QUERIES_TO_WORK_OUT):
        client.post(reverse("matching:network_suggest"))
    # The page reads what the run kept: a fixed number of queries, and 7 for the person.viewed
    # entries: one in each organisation's log (3 queries each: the entry and its chain's head)
    # and the other organisation, looked up once. PostgreSQL takes an advisory lock for each
    # of the page's four audit entries too (ADR-080).
    with django_assert_max_num_queries(
        QUERIES_TO_READ + (4 if connection.vendor == "postgresql" else 0)
    ):
        page = client.get(reverse("matching:network_suggest")).content.decode()
    assert page.count("nhsuk-card__heading") == 16
    assert page.count("as a pair") == 8


def test_network_suggestions_leave_out_a_supporter_who_signs_in_without_a_role_with_the_person(
    sign_in, make_user, network_admin, organisation, neighbour
):
    """Accepting would be refused (the test above), so it is not proposed: someone else is, or
    nobody. Supporters without an account need no role in the person's organisation."""
    share(organisation, neighbour)
    ada = waiting_referral(organisation, "Ada", days=20)
    sam = eligible_supporter(neighbour, "Sam", capacity=1)
    sam.user = make_user(Role.VOLUNTEER, organisation=neighbour, email="sam@example.com")
    sam.save()
    result = suggest_network(organisation=organisation)
    assert result.proposals == [] and result.without_supporter == [ada]

    bea = waiting_referral(organisation, "Bea", days=10)
    kim = eligible_supporter(neighbour, "Kim", capacity=1)  # no account
    result = suggest_network(organisation=organisation)
    [proposal] = result.proposals
    assert [c.volunteer for c in proposal.supporters] == [kim]
    assert sam not in [c.volunteer for c in proposal.alternatives]
    page = sign_in(network_admin, organisation).get(reverse("matching:network_suggest"))
    assert "Accept match with Kim" in page.content.decode()
    assert "Accept match with Sam" not in page.content.decode()

    # Once our organisation admin adds Sam to the team, Sam is proposed too.
    MembershipFactory(user=sam.user, organisation=organisation, role=Role.VOLUNTEER)
    result = suggest_network(organisation=organisation)
    assert {p.referral for p in result.proposals} == {ada, bea}
    assert {p.supporters[0].volunteer for p in result.proposals} == {sam, kim}


def test_network_suggestions_for_one_person_say_who_needs_a_role_with_them(
    sign_in, make_user, network_admin, organisation, neighbour
):
    share(organisation, neighbour)
    ada = waiting_referral(organisation, "Ada", days=20)
    sam = eligible_supporter(neighbour, "Sam", capacity=1)
    sam.user = make_user(Role.VOLUNTEER, organisation=neighbour, email="sam@example.com")
    sam.save()
    result = suggest_network(organisation=organisation, referral=ada)
    assert result.proposals == []
    [miss] = result.why[ada.pk].near_misses
    assert (miss.rule, miss.sentence) == (
        "role_there",
        f"{sam.display_name} (MAEcare Leeds) would suit but needs a peer supporter role in "
        "Crafty Needles: ask an organisation admin of Crafty Needles to add them to the team",
    )
    client = sign_in(network_admin, organisation)
    page = client.get(reverse("matching:network_suggest") + f"?referral={ada.pk}")
    body = page.content.decode()
    assert f"No supporter suits {ada.person.display_name} yet" in body
    assert "needs a peer supporter role in Crafty Needles" in body
    # Another organisation's supporter's profile is not this admin's to change here.
    assert "matching profile</a>" not in body
