"""A request that changes nothing writes no session (ADR-100): the session is saved only when
something in it changes, so a signed-in page view is reads only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.accounts.middleware import SESSION_KEY
from kindred.accounts.models import Role


def _session_writes(queries: list[dict[str, str]]) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


@pytest.mark.parametrize("page", ["core:home", "people:list", "referrals:inbox"])
def test_a_page_after_sign_in_writes_no_session(client_as, page):
    client = client_as(Role.COORDINATOR)
    client.get(reverse("core:home"))  # whatever a first request may settle, it has settled
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(page))
    assert response.status_code == 200
    assert _session_writes(captured.captured_queries) == []


def test_the_organisation_is_kept_in_the_session_when_it_is_first_chosen(
    make_user, sign_in, organisation
):
    client = sign_in(make_user(Role.COORDINATOR, organisation=organisation))  # none chosen yet
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("core:home"))
    assert client.session[SESSION_KEY] == str(organisation.pk)
    assert _session_writes(captured.captured_queries)  # chosen once, so written once
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("core:home"))
    assert _session_writes(captured.captured_queries) == []


def test_the_session_still_lasts_a_working_day_and_ends_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False) is False
