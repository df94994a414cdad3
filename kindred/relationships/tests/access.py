"""Who may use the relationships app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.relationships.tests.factories import RelationshipFactory

COORDINATOR = {Role.COORDINATOR}
SUPPORTERS = {Role.VOLUNTEER, Role.FACILITATOR}

ROUTES = {
    "relationships:caseload": COORDINATOR,
    "relationships:caseload_export": COORDINATOR,
    "relationships:add": COORDINATOR,
    "relationships:mine": SUPPORTERS,
    "relationships:ask_supervision": SUPPORTERS,
    "relationships:detail": COORDINATOR,
    "relationships:move": COORDINATOR,
    "relationships:end": COORDINATOR,
    "relationships:note_for_supporters": COORDINATOR,
    "relationships:contact": COORDINATOR | SUPPORTERS,
    "relationships:concern": COORDINATOR | SUPPORTERS,
}
POST_ONLY = {"relationships:move", "relationships:note_for_supporters"}
# A volunteer may log contacts and raise concerns only for the people they support: the sample
# relationship is supported by someone else, so they get 404.
OWN_ONLY = {
    "relationships:contact": SUPPORTERS,
    "relationships:concern": SUPPORTERS,
}

# A person's name: if it appears on a page Charlie (another organisation) opens, it leaked.
SECRET = "Hepzibah"


def url_kwargs(organisation):
    relationship = RelationshipFactory(
        organisation=organisation, person__given_name=SECRET, person__family_name="Marlowe"
    )
    return {"relationship_id": relationship.pk}
