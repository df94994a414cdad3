"""Who may use the JSON API's routes (read by kindred/core/tests/test_routes.py).

The API's routes are PUBLIC to the session-based access middleware, as the FHIR API's are:
systems call them with an organisation's bearer token, which each operation checks (with the
scope it needs) before reading anything, and which only ever reaches its own organisation's
records. kindred/api/tests/test_auth.py attacks every operation with no token, a revoked token,
a token without the scope and another organisation's token."""

import uuid

from kindred.core.access import PUBLIC

ROUTES = {
    "api:openapi-json": PUBLIC,  # the schema: published openly, as FHIR's metadata is
    "api:support_requests": PUBLIC,  # bearer token, support-requests:write
    "api:support_request": PUBLIC,  # bearer token, support-requests:read
    "api:not_found": PUBLIC,  # any other path under /api/v1/: a problem-JSON 404 for everyone
}

#: The operations that need a token, with the method each takes.
TOKEN_PROTECTED = {
    "api:support_requests": "post",
    "api:support_request": "get",
}


def url_kwargs(organisation):
    # Only PUBLIC routes take it, and the route test only resolves their URLs: any id will do.
    return {"support_request_id": uuid.uuid4()}
