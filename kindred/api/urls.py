"""The JSON API's routes, under /api/v1/ (kindred/config/urls.py).

ninja's views are wrapped once more here, for what must hold before ninja reads anything:
the access middleware's declaration (@public: the caller is a system with a bearer token, which
each operation checks before touching a record, as the FHIR API does: ADR-020, ADR-120), CSRF
off (a bearer token, not a cookie, carries the authority; ninja checks no cookie here), 405 for
a method the route does not take, 415 for a body that is not JSON and 413 for one too big, and
a problem body for anything ninja answers without one. Any other path under /api/v1/ is a
problem-JSON 404.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, re_path

from kindred.api.api import MAX_BODY_BYTES, ROUTERS, api, server_error, too_large
from kindred.api.problems import PROBLEM_JSON, Problem, problem_response
from kindred.core.access import public

logger = logging.getLogger(__name__)

app_name = "api"

WITH_BODY = ("POST", "PUT", "PATCH")
JSON_TYPES = ("application/json",)


def _methods_by_name() -> dict[str, tuple[str, ...]]:
    """The methods each of ninja's routes takes, by route name (the schema's route: GET)."""
    methods: dict[str, set[str]] = {"openapi-json": {"GET"}}
    for router in ROUTERS:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                methods.setdefault(path_view.url_name or "", set()).update(operation.methods)
    return {name: tuple(sorted(taken)) for name, taken in methods.items()}


def _refusal(request: HttpRequest, methods: tuple[str, ...]) -> Problem | None:
    if request.method not in methods:
        return Problem(
            405,
            "method-not-allowed",
            f"{request.method} is not supported here; use {', '.join(methods)}",
            headers={"Allow": ", ".join(methods)},
        )
    if request.method not in WITH_BODY:
        return None
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return too_large()
    try:
        body = request.body
    except RequestDataTooBig:
        return too_large()
    if len(body) > MAX_BODY_BYTES:
        return too_large()
    media_type = (request.content_type or "").lower()
    charset = ((request.content_params or {}).get("charset") or "utf-8").lower()
    if body and (media_type not in JSON_TYPES or charset not in ("utf-8", "utf8")):
        return Problem(
            415, "unsupported-media-type", "Send the body as Content-Type: application/json"
        )
    return None


def _guarded(
    view: Callable[..., HttpResponse], name: str, methods: tuple[str, ...]
) -> Callable[..., HttpResponse]:

    def api_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = _refusal(request, methods)
        if refused is not None:
            return problem_response(refused)
        try:
            response = view(request, *args, **kwargs)
        except Exception:
            logger.exception("API %s %s failed with a server error", request.method, request.path)
            return problem_response(server_error())
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            PROBLEM_JSON
        ):
            logger.error("API %s %s answered %s without a problem body", request.method,
                         request.path, response.status_code)  # fmt: skip
            return problem_response(
                Problem(response.status_code, "refused", "This request cannot be answered")
                if response.status_code < 500
                else server_error()
            )
        return response

    api_view.__name__ = api_view.__qualname__ = f"api_{name.replace('-', '_')}"
    api_view.csrf_exempt = True  # type: ignore[attr-defined]
    return public(api_view)


@public
def not_found(request: HttpRequest) -> HttpResponse:
    return problem_response(Problem(404, "not-found", "There is nothing here in Kindred's API"))


not_found.csrf_exempt = True  # type: ignore[attr-defined]


def _patterns() -> list[URLPattern]:
    ninja_patterns, _app_name, _namespace = api.urls
    methods = _methods_by_name()
    patterns = []
    for pattern in ninja_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name not in methods:
            continue  # ninja's root (a docs home): the 404 below answers there instead
        pattern.callback = _guarded(pattern.callback, pattern.name, methods[pattern.name])
        patterns.append(pattern)
    return patterns


urlpatterns = [*_patterns(), re_path(r"^[\s\S]*$", not_found, name="not_found")]
