"""The public directory of groups (no sign-in): search, a page per group and its iCalendar feed.
Only what organisations chose to publish, read through `kindred.groups.published`."""

from __future__ import annotations

import math
import uuid
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from kindred.core.access import public
from kindred.directory.feed import group_calendar
from kindred.directory.forms import METRES_PER_MILE, SearchForm
from kindred.groups import published
from kindred.groups.published import Group, Joining

PER_PAGE = 10


@public
def search(request: HttpRequest) -> HttpResponse:
    asked = any(key in request.GET for key in ("postcode", "model", "day", "access", "distance"))
    form = SearchForm(request.GET if asked else None)
    page = None
    rows: list[dict[str, Any]] = []
    if not asked or form.is_valid():
        choices = form.choices() if asked else None
        postcode = choices.postcode if choices else None
        groups = published.search(
            model=choices.model if choices else "",
            weekday=choices.weekday if choices else None,
            access=choices.access if choices else (),
            near=(postcode.easting, postcode.northing) if postcode else None,  # type: ignore[arg-type]
            within_metres=choices.within_metres if choices else None,
        )
        page = Paginator(groups, PER_PAGE).get_page(request.GET.get("page"))
        upcoming = published.next_sessions(groups=page.object_list)
        for group in page.object_list:
            squared = getattr(group, "distance_squared", None)
            rows.append(
                {
                    "group": group,
                    "when": published.describe(group),
                    "next": upcoming.get(group.pk),
                    "miles": math.sqrt(squared) / METRES_PER_MILE if squared is not None else None,
                }
            )
    query = {k: v for k, v in request.GET.lists() if k != "page"}
    return render(
        request,
        "directory/search.jinja",
        {
            "title": "Find a peer support group",
            "form": form,
            "asked": asked,
            "page": page,
            "rows": rows,
            "query": urlencode(query, doseq=True),
        },
    )


def _group_or_404(group_id: uuid.UUID) -> Group:
    try:
        return published.published_group(group_id=group_id)
    except Group.DoesNotExist as missing:
        raise Http404("No published group with that id") from missing


@public
def group(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    found = _group_or_404(group_id)
    sessions = published.upcoming_sessions(groups=[found]).get(found.pk, [])[:8]
    return render(
        request,
        "directory/group.jinja",
        {
            "title": found.name,
            "group": found,
            "when": published.describe(found),
            "sessions": sessions,
            "open_door": found.joining == Joining.OPEN_DOOR,
            "public_organisation": found.organisation,
        },
    )


@public
def calendar(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    """The group's sessions from the start of today, as many as are planned (at least the next
    8 weeks: sessions are kept that far ahead), cancelled ones marked so."""
    found = _group_or_404(group_id)
    sessions = published.upcoming_sessions(groups=[found]).get(found.pk, [])
    page_url = request.build_absolute_uri(reverse("directory:group", kwargs={"group_id": found.pk}))
    body = group_calendar(found, sessions, page_url=page_url, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="group-{found.pk}.ics"'
    return response
