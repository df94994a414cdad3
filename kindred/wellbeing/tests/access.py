"""Who may use the wellbeing app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.people.tests.factories import PersonFactory
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.wellbeing import services
from kindred.wellbeing.tests.factories import GoalFactory

GOALS = {Role.COORDINATOR, Role.VOLUNTEER}
PLAN_READERS = {Role.COORDINATOR, Role.VOLUNTEER, Role.FACILITATOR}

ROUTES = {
    "wellbeing:goals": GOALS,
    "wellbeing:goal_add": GOALS,
    "wellbeing:goal_change": GOALS,
    "wellbeing:review_add": GOALS,
    "wellbeing:crisis_plan": PLAN_READERS,
    "wellbeing:crisis_plan_edit": GOALS,
    # Who may see the plan is the person's decision, recorded by a coordinator (ADR-098).
    "wellbeing:crisis_plan_sharing": {Role.COORDINATOR},
    "wellbeing:crisis_plan_print": {Role.COORDINATOR},
}

# Every page is a GET page, with a form where it changes something.
POST_ONLY: set[str] = set()

# A volunteer who does not support the sample person, and a facilitator the person has not
# shared their plan with, hold the permission but get "page not found".
OWN_ONLY = {
    "wellbeing:goals": {Role.VOLUNTEER},
    "wellbeing:goal_add": {Role.VOLUNTEER},
    "wellbeing:goal_change": {Role.VOLUNTEER},
    "wellbeing:review_add": {Role.VOLUNTEER},
    "wellbeing:crisis_plan": {Role.VOLUNTEER, Role.FACILITATOR},
    "wellbeing:crisis_plan_edit": {Role.VOLUNTEER},
}

# Words from the sample plan and goal: if they show on a page another organisation's user
# opens, the plan leaked.
SECRET = "Marmaduke"


def url_kwargs(organisation):
    person = PersonFactory(organisation=organisation, given_name="Philippa", family_name="Dunne")
    relationship = RelationshipFactory(organisation=organisation, person=person)
    goal = GoalFactory(relationship=relationship, text=f"Take {SECRET} to the vet on my own")
    services.crisis_plan_save(
        by=Acting.system("test", organisation=organisation),
        person=person,
        based_on=0,
        content=services.PlanContent(practical_things=f"Next door feeds {SECRET} the cat"),
        sharing=services.Sharing(supporters=True, crisis_line=True, facilitators=False, gp=True),
    )
    return {"person_id": person.pk, "goal_id": goal.pk}
