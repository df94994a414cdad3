"""Who may use the groups app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.groups.tests.factories import make_group

RUNS = {Role.COORDINATOR, Role.FACILITATOR}
SETS_UP = {Role.COORDINATOR}

ROUTES = {
    "groups:list": RUNS,
    "groups:detail": RUNS,
    "groups:create": SETS_UP,
    "groups:edit": SETS_UP,
    "groups:member_add": SETS_UP,
    "groups:regular_add": RUNS,
    "groups:venues": SETS_UP,
    "groups:venue_create": SETS_UP,
    "groups:venue_edit": SETS_UP,
    "groups:session_cancel": SETS_UP,
    "groups:attendance": RUNS,
}

# Every page is a GET page, with a form where it changes something.
POST_ONLY: set[str] = set()

# A group's name: if it shows on a page another organisation's user opens, it leaked.
SECRET = "Woolly Jumpers Anonymous"


def url_kwargs(organisation):
    group = make_group(organisation, name=SECRET)
    return {
        "group_id": group.pk,
        "venue_id": group.venue_id,
        "session_id": group.sessions.order_by("starts_at")[0].pk,
    }
