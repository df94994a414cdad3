"""Who may use the FHIR app's routes (read by kindred/core/tests/test_routes.py).

The FHIR API routes are PUBLIC to the session-based access middleware: clinical systems call them
with a bearer token, which each view checks itself before reading anything, and which only ever
reaches its own organisation's records (kindred/fhir/tests/test_api.py checks every route without
a token, with a revoked token and with another organisation's token)."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC
from kindred.referrals.tests.factories import ReferralFactory

ROUTES = {
    "fhir:metadata": PUBLIC,
    "fhir:service_requests": PUBLIC,  # bearer token
    "fhir:service_request": PUBLIC,  # bearer token
    "fhir:tasks": PUBLIC,  # bearer token
    "fhir:communications": PUBLIC,  # bearer token
    "fhir:not_found": PUBLIC,  # any other path under /fhir/: a FHIR 404 for everyone
    "fhir:tokens": {Role.COORDINATOR, Role.ORGANISATION_ADMIN},
}

TOKEN_PROTECTED = [
    "fhir:service_requests",
    "fhir:service_request",
    "fhir:tasks",
    "fhir:communications",
]


def url_kwargs(organisation):
    return {"resource_id": str(ReferralFactory(organisation=organisation).pk)}
