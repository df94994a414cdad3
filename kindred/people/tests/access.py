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
    "people:change": {Role.COORDINATOR},
    # Merging two records of one person (ADR-090): choose, compare, confirm (GET shows, POST merges).
    "people:merge": {Role.COORDINATOR},
    "people:merge_compare": {Role.COORDINATOR},
    "people:merge_confirm": {Role.COORDINATOR},
}

# Names that, if they appear on a page Charlie (another organisation) can open, mean a leak.
SECRET = "Winifred"


def url_kwargs(organisation):
    """A record of `organisation` for each URL argument the routes take."""
    person = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Oakhampton")
    other = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Okehampton")
    return {
        "person_id": person.pk,
        "file_format": "json",
        "part": "gp-practice",
        "other_id": other.pk,
    }
