"""Problem details (RFC 9457): how the JSON API says no.

Every refusal is `application/problem+json` with `type`, `title`, `status` and `detail`, plus
`code` (a stable word a client can branch on) and, for a body that will not do, `errors` (one
per field: where and what). `type` is "about:blank" (RFC 9457 section 4.2.1): the HTTP status
says what kind of problem it is and `code` says which (ADR-120). Nothing here echoes what the
sender sent, or anything stored.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """Raised anywhere in the API to answer with a problem body."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_body(
    status: int, code: str, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(problem: Problem) -> HttpResponse:
    response = HttpResponse(
        json.dumps(problem_body(problem.status, problem.code, problem.detail, problem.errors)),
        status=problem.status,
        content_type=PROBLEM_JSON,
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def unauthenticated(detail: str) -> Problem:
    return Problem(401, "unauthenticated", detail, headers={"WWW-Authenticate": "Bearer"})
