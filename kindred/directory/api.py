"""The Open Referral UK API (HSDS 3.0, UK profile) at /openreferral/ (ADR-112): public, read only,
JSON. Errors are RFC 9457 problem details (application/problem+json), never an HTML page and
never a 5xx for bad input. Only published groups, through `kindred.groups.published`."""

from __future__ import annotations

import functools
import json
import math
import uuid
from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from kindred.core.access import public
from kindred.directory import oruk
from kindred.groups import published
from kindred.groups.published import Group, GroupModel
from kindred.people import identifiers

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
PER_PAGE = 20
PER_PAGE_MAX = 100
PROXIMITY_MAX = 1_000_000  # metres: the whole of Great Britain is well inside


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def _json(data: Any, status: int = 200, content_type: str = JSON) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=content_type
    )


def problem(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    """RFC 9457: type (about:blank: the status says it all), title, status, detail, instance."""
    return _json(
        {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.path,
        },
        status=status,
        content_type=PROBLEM_JSON,
    )


def oruk_api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET (and HEAD) only; a `Problem` raised by the view becomes its problem answer."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = problem(request, 405, "Method not allowed", "This API is read only: use GET")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except Problem as bad:
            return problem(request, bad.status, bad.title, bad.detail)

    return public(wrapped)


def _links(request: HttpRequest) -> oruk.Links:
    def absolute(name: str, **kwargs: Any) -> str:
        return request.build_absolute_uri(reverse(name, kwargs=kwargs))

    return oruk.Links(
        page=lambda group: absolute("directory:group", group_id=group.pk),
        calendar=lambda group: absolute("directory:calendar", group_id=group.pk),
        term=lambda code: absolute("directory:search") + f"?model={code}",
        taxonomy=absolute("openreferral:taxonomies"),
    )


def _whole_number(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise Problem(400, f"Bad {name}", f"{name} must be a whole number, 1 or more")
    return int(raw)


def _paged(request: HttpRequest, items: QuerySet[Group] | list[Any]) -> tuple[Any, dict[str, Any]]:
    number = _whole_number(request, "page", 1)
    per_page = min(_whole_number(request, "per_page", PER_PAGE), PER_PAGE_MAX)
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    try:
        page = paginator.page(number)
        contents = list(page.object_list)
    except EmptyPage:
        contents = []  # past the last page: an empty page, as the profile's `empty` allows
    total = paginator.count
    pages = max(1, math.ceil(total / per_page))
    return contents, {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
    }


def _model(request: HttpRequest) -> str:
    """`taxonomy_term_id`: one of our terms' ids; anything else matches nothing known: 400."""
    wanted = request.GET.get("taxonomy_term_id", "").strip()
    if not wanted:
        return ""
    for value in GroupModel.values:
        if oruk.term_id(value) == wanted.lower():
            return value
    raise Problem(400, "Unknown taxonomy term", "taxonomy_term_id is not one of /taxonomy_terms")


def _search_text(request: HttpRequest) -> str:
    """`search`: words in the service's name (a NUL, which PostgreSQL refuses, is dropped)."""
    return request.GET.get("search", "").replace("\x00", "").strip()[:200]


@oruk_api
def index(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "version": oruk.VERSION,
            "profile": oruk.PROFILE_URL,
            "openapi_url": oruk.OPENAPI_URL,
        }
    )


@oruk_api
def services(request: HttpRequest) -> HttpResponse:
    groups = published.search(model=_model(request), text=_search_text(request))
    contents, page = _paged(request, groups)
    upcoming = published.upcoming_sessions(groups=contents)
    links = _links(request)
    return _json(
        page
        | {"contents": [oruk.service_summary(g, upcoming.get(g.pk, []), links) for g in contents]}
    )


@oruk_api
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    try:
        found = published.published_group(group_id=uuid.UUID(service_id))
    except (ValueError, Group.DoesNotExist) as missing:
        raise Problem(404, "Not found", "There is no published service with that id") from missing
    upcoming = published.upcoming_sessions(groups=[found]).get(found.pk, [])
    return _json(oruk.service_full(found, upcoming, _links(request)))


def _near(request: HttpRequest) -> tuple[tuple[int, int] | None, float | None]:
    raw_postcode = request.GET.get("postcode", "").strip()
    raw_proximity = request.GET.get("proximity", "").strip()
    proximity: float | None = None
    if raw_proximity:
        try:
            proximity = float(raw_proximity)
        except ValueError:
            proximity = math.nan
        if not math.isfinite(proximity) or proximity < 0 or proximity > PROXIMITY_MAX:
            raise Problem(
                400, "Bad proximity", f"proximity is metres: a number from 0 to {PROXIMITY_MAX}"
            )
        if not raw_postcode:
            raise Problem(400, "Bad proximity", "proximity needs a postcode to measure from")
    if not raw_postcode:
        return None, None
    try:
        found = identifiers.lookup(raw_postcode)
    except identifiers.PostcodeError as unknown:
        raise Problem(400, "Bad postcode", str(unknown)) from unknown
    if found.easting is None or found.northing is None:
        raise Problem(400, "Bad postcode", f"{found.postcode} has no grid reference")
    return (found.easting, found.northing), proximity


@oruk_api
def service_at_locations(request: HttpRequest) -> HttpResponse:
    near, proximity = _near(request)
    groups = published.search(
        model=_model(request),
        text=_search_text(request),
        near=near,
        within_metres=proximity,
    )
    contents, page = _paged(request, groups)
    upcoming = published.upcoming_sessions(groups=contents)
    links = _links(request)
    rows = []
    for group in contents:
        squared = getattr(group, "distance_squared", None)
        distance = math.sqrt(squared) if squared is not None else None
        rows.append(
            oruk.service_at_location_summary(group, upcoming.get(group.pk, []), links, distance)
        )
    return _json(page | {"contents": rows})


@oruk_api
def taxonomies(request: HttpRequest) -> HttpResponse:
    contents, page = _paged(request, [oruk.taxonomy(_links(request))])
    return _json(page | {"contents": contents})


@oruk_api
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    contents, page = _paged(request, oruk.taxonomy_terms(_links(request)))
    return _json(page | {"contents": contents})


@oruk_api
def not_found(request: HttpRequest) -> HttpResponse:
    raise Problem(404, "Not found", "No such endpoint in this Open Referral UK API")
