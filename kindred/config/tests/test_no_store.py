"""Issue 10, item 11: personal pages sent no `Cache-Control: no-store`, so a person's details
could stay in a shared computer's browser cache after sign-out, or in a proxy's. Now every answer
from Kindred's views says no-store, whoever asks and whatever the status; public static files
(CSS, JavaScript, icons) keep their cache lifetimes."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.tests.test_routes import EXPECTED, POST_ONLY, samples, url_for

__all__ = ["samples"]  # the fixture, from the route test: one record for every URL argument


def assert_not_stored(response, what: str) -> None:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, (
        f"{what}: {response.status_code} {response.get('Cache-Control')}"
    )
    assert "public" not in directives, what


def test_every_route_says_no_store_to_a_signed_in_user_and_to_anyone(client_as, samples):
    everyone = client_as(*Role)  # every role in the organisation: the fullest pages there are
    anonymous = Client()
    missing = []
    pages = 0
    # signing out last, so that every other page is asked for by a signed-in user
    for name in sorted(EXPECTED, key=lambda name: (name == "accounts:sign_out", name)):
        url = url_for(name, samples)
        method = "post" if name in POST_ONLY else "get"
        for who, client in (("signed in", everyone), ("anonymous", anonymous)):
            response = getattr(client, method)(url)
            pages += who == "signed in" and response.status_code == 200
            directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
            if (
                "no-store" not in directives
                or "public" in directives
                or response.status_code >= 500
            ):
                missing.append((name, who, response.status_code, response.get("Cache-Control")))
    assert not missing
    assert "_auth_user_id" not in everyone.session  # signed out only at the very end
    assert len(EXPECTED) > 50 and pages > 50  # every route was asked; most pages were shown


def test_error_pages_and_the_fhir_api_say_no_store_too(client, organisation, coordinator):
    assert_not_stored(client.get("/no-such-page/?q=Bartholomew"), "404")
    assert_not_stored(client.get("/fhir/metadata"), "FHIR metadata")
    assert_not_stored(client.get("/fhir/Patient/x"), "FHIR unknown path")
    csrf = Client(enforce_csrf_checks=True).post(reverse("accounts:sign_in"), {})
    assert csrf.status_code == 403
    assert_not_stored(csrf, "CSRF failure")
    for _ in range(5):
        client.post(reverse("accounts:sign_in"), {"email": coordinator.email, "password": "x"})
    locked = client.post(reverse("accounts:sign_in"), {"email": coordinator.email, "password": "x"})
    assert locked.status_code == 429
    assert_not_stored(locked, "locked out")


def test_public_static_files_may_be_cached(client):
    response = client.get("/static/kindred/kindred.mjs")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
