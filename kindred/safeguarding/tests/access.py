"""Who may use safeguarding's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.people.tests.factories import PersonFactory
from kindred.safeguarding.tests.factories import raise_concern

TEAM = {
    Role.COORDINATOR,
    Role.VOLUNTEER,
    Role.FACILITATOR,
    Role.SAFEGUARDING_LEAD,
    Role.DUTY_PROFESSIONAL,
    Role.ORGANISATION_ADMIN,
}
LEAD = {Role.SAFEGUARDING_LEAD}

ROUTES = {
    "safeguarding:list": TEAM,
    "safeguarding:raise": TEAM,
    "safeguarding:arrangements": {Role.SAFEGUARDING_LEAD, Role.ORGANISATION_ADMIN},
    "safeguarding:detail": TEAM,
    "safeguarding:acknowledge": LEAD,
    "safeguarding:enquire": LEAD,
    "safeguarding:entry": LEAD,
    "safeguarding:close": LEAD,
    "safeguarding:link": LEAD,
}
POST_ONLY = {"safeguarding:acknowledge", "safeguarding:enquire"}
# A concern is seen by leads and coordinators (a summary), by the duty professional it was
# raised to and by whoever raised it: the sample concern was raised by nobody here and to no
# duty professional, so everyone else in the team gets 404.
OWN_ONLY = {
    "safeguarding:detail": {
        Role.VOLUNTEER,
        Role.FACILITATOR,
        Role.DUTY_PROFESSIONAL,
        Role.ORGANISATION_ADMIN,
    }
}

SECRET = "Philippa"


def url_kwargs(organisation):
    person = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Drumm")
    concern = raise_concern(organisation, person=person, detail="Philippa had bruises")
    return {"concern_id": concern.pk}
