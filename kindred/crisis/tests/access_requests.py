"""Who may use the crisis line's requests routes (see kindred/crisis/tests/access.py)."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC
from kindred.crisis.requests_services import support_request_receive

ON_CALL = {Role.VOLUNTEER, Role.COORDINATOR, Role.DUTY_PROFESSIONAL}

ROUTES: dict[str, object] = {
    "crisis:ask": PUBLIC,
    "crisis:ask_sent": PUBLIC,
    "crisis:requests": ON_CALL,
    "crisis:request_log": {Role.VOLUNTEER, Role.COORDINATOR},
    "crisis:request": ON_CALL,
    "crisis:request_accept": ON_CALL,
    "crisis:request_acknowledge": {Role.DUTY_PROFESSIONAL},
    "crisis:request_escalate": ON_CALL,
    "crisis:request_link": ON_CALL,
    "crisis:request_concern": ON_CALL,
    "crisis:request_close": ON_CALL,
    "crisis:request_debrief": ON_CALL,
}
POST_ONLY: set[str] = {
    "crisis:request_accept",
    "crisis:request_acknowledge",
    "crisis:request_escalate",
}
# A supporter or professional sees only the requests offered or escalated to them, or that they
# took; coordinators see every one. The sample request was offered to nobody here.
OWN_ONLY = {
    name: {Role.VOLUNTEER, Role.DUTY_PROFESSIONAL}
    for name in (
        "crisis:request",
        "crisis:request_link",
        "crisis:request_concern",
        "crisis:request_close",
        "crisis:request_debrief",
    )
}

SECRET = "Ottoline"


def url_kwargs(organisation):
    request = support_request_receive(
        organisation, name=f"{SECRET} Quested", phone="07911 123 456", channel="sms"
    )
    return {"support_request_id": request.pk, "organisation_slug": organisation.slug}
