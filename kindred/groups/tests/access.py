"""Who may use the groups app's routes (read by kindred/core/tests/test_routes.py)."""

from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.groups import services
from kindred.groups.models import MissingPrompt
from kindred.groups.tests.factories import make_group
from kindred.people.tests.factories import PersonFactory
from kindred.wellbeing import services as wellbeing

RUNS = {Role.COORDINATOR, Role.FACILITATOR}
SETS_UP = {Role.COORDINATOR}

ROUTES = {
    "groups:list": RUNS,
    "groups:detail": RUNS,
    "groups:create": SETS_UP,
    "groups:edit": SETS_UP,
    "groups:member_add": SETS_UP,
    "groups:member_leave": SETS_UP,
    "groups:member_safety_net": RUNS,
    "groups:member_plan": RUNS,
    "groups:regular_add": RUNS,
    "groups:regular_safety_net": RUNS,
    "groups:place_answer": SETS_UP,
    "groups:prompt": RUNS,
    "groups:venues": SETS_UP,
    "groups:venue_create": SETS_UP,
    "groups:venue_edit": SETS_UP,
    "groups:session_cancel": SETS_UP,
    "groups:session_move": SETS_UP,
    "groups:attendance": RUNS,
    "groups:call_in": RUNS,
}

# Least privilege (ADR-113): a facilitator opens only the groups they facilitate, so one who
# does not run the sample group is answered "not found" (kindred/groups/tests/test_care.py
# shows the group's own facilitator gets each page).
OWN_ONLY = {
    name: {Role.FACILITATOR}
    for name, roles in ROUTES.items()
    if Role.FACILITATOR in roles and name != "groups:list"
}

# Every page is a GET page, with a form where it changes something.
POST_ONLY: set[str] = set()

# A group's name: if it shows on a page another organisation's user opens, it leaked.
SECRET = "Woolly Jumpers Anonymous"


def url_kwargs(organisation):
    """One group with a member, a regular with an open prompt, and someone waiting."""
    group = make_group(organisation, name=SECRET, capacity=1)
    by = Acting.system("test", organisation=organisation)
    person = PersonFactory(organisation=organisation)
    member = services.member_add(by=by, group=group, person=person)
    wellbeing.crisis_plan_save(
        by=by, person=person, based_on=0, content=wellbeing.PlanContent(what_helps="Tea"),
        sharing=wellbeing.Sharing(supporters=False, crisis_line=False, facilitators=True, gp=False),
    )  # fmt: skip
    referred = services.member_refer(
        by=by, group=group, person=PersonFactory(organisation=organisation)
    )
    assert referred.place is not None  # the group is full: they wait
    regular = services.regular_add(by=by, group=group, nickname="Bev")
    prompt = MissingPrompt.objects.create(
        organisation=organisation, group=group, regular=regular, missed=3,
        since=timezone.now(), raised_at=timezone.now(),
    )  # fmt: skip
    return {
        "group_id": group.pk,
        "venue_id": group.venue_id,
        "session_id": group.sessions.order_by("starts_at")[0].pk,
        "member_id": member.pk,
        "regular_id": regular.pk,
        "place_id": referred.place.pk,
        "prompt_id": prompt.pk,
    }
