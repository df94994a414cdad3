"""Who may use the matching app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.matching.models import Match
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.volunteers.tests.factories import VolunteerFactory

COORDINATOR = {Role.COORDINATOR}
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
}
POST_ONLY = {"matching:accept", "matching:start"}

# A name that, if it appears on a page Charlie (another organisation) can open, means a leak.
SECRET = "Perpetua"


def url_kwargs(organisation):
    """A record of `organisation` for each URL argument the routes take."""
    person = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Lightfoot")
    referral = ReferralFactory(organisation=organisation, person=person, status=Status.WAITING)
    volunteer = VolunteerFactory(organisation=organisation, given_name=SECRET)
    match = Match.objects.create(
        organisation=organisation,
        referral=ReferralFactory(organisation=organisation, status=Status.WAITING),
        volunteer=volunteer,
        score=0.5,
        explanation="Both stroke survivors.",
    )
    return {"referral_id": referral.pk, "volunteer_id": volunteer.pk, "match_id": match.pk}
