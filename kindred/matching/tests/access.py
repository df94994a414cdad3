"""Who may use the matching app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.volunteers.tests.factories import VolunteerFactory

ROUTES = {
    "matching:waiting": {Role.COORDINATOR},
    "matching:waiting_profile": {Role.COORDINATOR},
    "matching:supporters": {Role.COORDINATOR},
    "matching:supporter_profile": {Role.COORDINATOR},
}

# A name that, if it appears on a page Charlie (another organisation) can open, means a leak.
SECRET = "Perpetua"


def url_kwargs(organisation):
    """A record of `organisation` for each URL argument the routes take."""
    person = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Lightfoot")
    referral = ReferralFactory(organisation=organisation, person=person, status=Status.WAITING)
    volunteer = VolunteerFactory(organisation=organisation, given_name=SECRET)
    return {"referral_id": referral.pk, "volunteer_id": volunteer.pk}
