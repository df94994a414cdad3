"""The organisation's messages, for its coordinators: whether each went, and if not, why."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_view
from kindred.notifications import audit_actions, links, selectors
from kindred.notifications.models import Notification


@permission("notifications.view_notifications")
def message_list(request: OrganisationRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Notification.Status.values:
        status = ""
    messages = selectors.messages_of(organisation=request.organisation, status=status).only(
        "id", "channel", "recipient", "subject", "kind", "status", "error", "created_at"
    )
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.jinja",
        {
            "page": page,
            "status": status,
            "statuses": Notification.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@permission("notifications.view_notifications")
def message_detail(request: OrganisationRequest, message_id: uuid.UUID) -> HttpResponse:
    message = selectors.messages_of(organisation=request.organisation).filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message")
    audit_view(by=Acting.from_request(request), entity=audit_actions.MESSAGE, target=message)
    return render(
        request,
        "notifications/detail.jinja",
        {
            "message": message,
            # The stored body holds references where links go, never the links (ADR-073).
            "body": links.shown_without_links(message.body),
            "attempts": list(selectors.attempts_of(message=message)),
        },
    )
