"""Who may use the matching app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.matching.models import Match, NetworkSharing
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships.models import Status as RelationshipStatus
from kindred.relationships.models import Supporter
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.tests.factories import VolunteerFactory

COORDINATOR = {Role.COORDINATOR}
NETWORK_ADMIN = {Role.NETWORK_ADMIN}
ROUTES = {
    "matching:waiting": COORDINATOR,
    "matching:waiting_profile": COORDINATOR,
    "matching:supporters": COORDINATOR,
    "matching:supporter_profile": COORDINATOR,
    "matching:suggest": COORDINATOR,
    "matching:accept": COORDINATOR,
    "matching:reject": COORDINATOR,
    "matching:introductions": COORDINATOR,
    "matching:start": COORDINATOR,
    "matching:weights": COORDINATOR,
    "matching:conflict_add": COORDINATOR,
    "matching:network_suggest": NETWORK_ADMIN,
    "matching:network_accept": NETWORK_ADMIN,
    "matching:network_reject": NETWORK_ADMIN,
    "matching:sharing": {Role.ORGANISATION_ADMIN},
}
POST_ONLY = {
    "matching:accept",
    "matching:start",
    "matching:network_accept",
}

# A name that, if it appears on a page Charlie (another organisation) can open, means a leak.
SECRET = "Perpetua"


def url_kwargs(organisation):
    """A record of `organisation` for each URL argument the routes take. The organisation shares
    for matching across its network, so its network admin may open the network pages."""
    NetworkSharing.objects.update_or_create(organisation=organisation, defaults={"shares": True})
    person = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Lightfoot")
    referral = ReferralFactory(organisation=organisation, person=person, status=Status.WAITING)
    volunteer = VolunteerFactory(organisation=organisation, given_name=SECRET)
    introduced = ReferralFactory(organisation=organisation, status=Status.WAITING)
    relationship = RelationshipFactory(
        organisation=organisation,
        person=introduced.person,
        referral=introduced,
        status=RelationshipStatus.INTRODUCED,
        started_on=None,
        next_review_on=None,
        supporters=[],
    )
    link = Supporter.objects.create(
        relationship=relationship, volunteer=volunteer, joined_on=relationship.introduced_on
    )
    Match.objects.create(
        organisation=organisation,
        referral=introduced,
        volunteer=volunteer,
        score=0.5,
        explanation="Both stroke survivors.",
        supporter_link=link,
    )
    return {
        "referral_id": referral.pk,
        "volunteer_id": volunteer.pk,
        "relationship_id": relationship.pk,
    }
