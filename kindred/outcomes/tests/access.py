"""Who may use the outcomes app's routes (read by kindred/core/tests/test_routes.py).

Reports are aggregates only: commissioners and network admins see their network's, a
coordinator their own organisation's. Nobody else sees a report, and no report names anyone."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC
from kindred.outcomes.tests.factories import baseline

RECORDS = {Role.COORDINATOR}
COSTS = {Role.COORDINATOR, Role.ORGANISATION_ADMIN}
REPORTS = {Role.COMMISSIONER, Role.NETWORK_ADMIN, Role.COORDINATOR}

ROUTES = {
    "outcomes:due": RECORDS,
    "outcomes:collection": RECORDS,
    "outcomes:collection_close": RECORDS,
    "outcomes:link_make": RECORDS,
    "outcomes:use": RECORDS,
    "outcomes:answer": PUBLIC,
    "outcomes:costs": COSTS,
    "outcomes:settings": COSTS,
    "outcomes:report": REPORTS,
    "outcomes:report_csv": REPORTS,
    "outcomes:report_pdf": REPORTS,
    "outcomes:report_chart": REPORTS,
}

# Making a link and recording "not completed" only accept POST.
POST_ONLY = {"outcomes:collection_close", "outcomes:link_make"}


def url_kwargs(organisation):
    return {
        "collection_id": baseline(organisation).pk,
        "token": "not-a-real-token-" + "x" * 26,
        "key": "volunteers",
    }
