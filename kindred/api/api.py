"""The JSON API (ADR-120): django-ninja, mounted at /api/v1/, its OpenAPI schema at
/api/v1/openapi.json. Each operation authenticates an organisation's bearer token holding the
scope it needs (ADR-119) and reads only through that token's organisation. Every refusal is a
problem body (RFC 9457, `problems.py`): ninja's own errors, a service's `DomainError`, and,
should Kindred itself fail, a 500 that reveals nothing (logged with its traceback).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kindred.api.problems import PROBLEM_JSON, Problem, problem_response, unauthenticated
from kindred.api.support_requests import router as support_requests
from kindred.core.transitions import ChangedSinceYouLooked, DomainError, IllegalTransition
from kindred.crisis.services import NoWayToReach

logger = logging.getLogger(__name__)

#: The largest body any operation accepts (a support request's message is at most 5,000
#: characters): anything bigger is refused with 413 before it is read.
MAX_BODY_BYTES = 64 * 1024


class KindredApi(NinjaAPI):
    def get_root_path(self, path_params: dict[str, Any]) -> str:
        """Where the API is mounted (/api/v1/): ninja's own root route is not kept (urls.py)."""
        return reverse("api:openapi-json").removesuffix("openapi.json")

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """ninja documents every answer as application/json; refusals are problem JSON."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if (
                        str(status).isdigit()
                        and int(status) >= 400
                        and "application/json" in content
                    ):
                        answer["content"] = {PROBLEM_JSON: content["application/json"]}
        return schema


api = KindredApi(
    title="Kindred API",
    version="1",
    description=(
        "Kindred's JSON API. Authenticate with `Authorization: Bearer TOKEN` (an organisation's "
        "API token, from `kindred token create`); each operation names the scope it needs. "
        "Refusals are RFC 9457 problem details (application/problem+json)."
    ),
    urls_namespace="api",
    docs_url=None,  # the schema is the documentation; no page that loads scripts from elsewhere
    openapi_url="/openapi.json",
)
ROUTERS = (support_requests,)
for router in ROUTERS:
    api.add_router("/", router)


def _field(location: Any) -> str:
    return ".".join(str(part) for part in location) if isinstance(location, list | tuple) else ""


@api.exception_handler(Problem)
def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(exc)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Only where and what: never the value sent (`input`) or pydantic's context objects.
    errors = [
        {"field": _field(error.get("loc", ())), "detail": str(error.get("msg", "Not valid"))}
        for error in exc.errors
        if isinstance(error, dict)
    ]
    return problem_response(
        Problem(400, "invalid", "The request does not match the schema: see errors", errors=errors)
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(unauthenticated("Send Authorization: Bearer TOKEN"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code if 400 <= exc.status_code < 500 else 400
    # ninja's one message a sender causes: a body that is not JSON ("Cannot parse request body").
    code = "invalid" if status == 400 else "refused"
    return problem_response(Problem(status, code, str(exc.message)))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem_response(too_large())


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A service refused (it saved nothing: each is one transaction)."""
    if isinstance(exc, ChangedSinceYouLooked | IllegalTransition):
        return problem_response(Problem(409, "conflict", str(exc)))
    field = getattr(exc, "field", None)
    errors = [{"field": f"body.{field}", "detail": str(exc)}] if field else None
    code = "no-way-to-reach" if isinstance(exc, NoWayToReach) else "invalid"
    return problem_response(Problem(400, code, str(exc), errors=errors))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API %s %s failed with a server error", request.method, request.path)
    return problem_response(server_error())


def too_large() -> Problem:
    return Problem(413, "too-large", f"The request body is over {MAX_BODY_BYTES // 1024} KB")


def server_error() -> Problem:
    return Problem(
        500,
        "server-error",
        "Kindred could not complete this request because of a problem on its side, which has "
        "been logged. Try again later",
    )
