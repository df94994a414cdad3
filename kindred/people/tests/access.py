"""Who may use the people app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.people.tests.factories import PersonFactory

ROUTES = {
    "people:list": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "people:add": {Role.COORDINATOR},
    "people:detail": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "people:audit": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "people:export": {Role.COORDINATOR},
    "people:consents": {Role.COORDINATOR},
}

# Names that, if they appear on a page Charlie (another organisation) can open, mean a leak.
SECRET = "Winifred"


def url_kwargs(organisation):
    """A record of `organisation` for each URL argument the routes take."""
    person = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Oakhampton")
    return {"person_id": person.pk, "file_format": "json"}
