"""Deny by default: every route declares who may use it, and this test checks each one for an
anonymous visitor, for each role, and for Charlie, who holds every role in another organisation.
Adding a route without adding it here fails the first test."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from kindred.accounts.models import Role
from kindred.core.access import PASSWORD_CHECKED, PUBLIC, SIGNED_IN, access_rule_of

# Each app declares who may use its routes in `<app>/tests/access.py`: ROUTES maps a route name
# to PUBLIC, SIGNED_IN or the roles (in the organisation acted for) that may use it, and
# url_kwargs(organisation) makes a record of that organisation for each URL argument.
ACCESS_MODULES = sorted(
    f"kindred.{path.parent.parent.name}.tests.access"
    for path in Path(__file__).resolve().parents[2].glob("*/tests/access.py")
)
EXPECTED: dict[str, object] = {}
for module_name in ACCESS_MODULES:
    EXPECTED.update(importlib.import_module(module_name).ROUTES)
# Routes that only accept POST (optional POST_ONLY in access.py): GET gets 405 once permitted.
POST_ONLY = set().union(
    *(getattr(importlib.import_module(m), "POST_ONLY", set()) for m in ACCESS_MODULES)
)
# Routes some roles may use only for their own records (optional OWN_ONLY in access.py: route ->
# roles), e.g. a volunteer opens only the relationships they support. Such a role holding the
# permission but not linked to the sample record gets 404; the app's own tests show the linked
# user gets the page.
OWN_ONLY: dict[str, set[object]] = {}
for module_name in ACCESS_MODULES:
    OWN_ONLY.update(getattr(importlib.import_module(module_name), "OWN_ONLY", {}))
PROTECTED = sorted(
    name for name, rule in EXPECTED.items() if rule not in (PUBLIC, PASSWORD_CHECKED, SIGNED_IN)
)
SECRETS = [s for m in ACCESS_MODULES if (s := getattr(importlib.import_module(m), "SECRET", None))]


def route_arguments(patterns=None, namespace: str = "", inherited=()) -> dict[str, tuple[str, ...]]:
    """Every named route, with the names of the URL arguments it takes."""
    routes: dict[str, tuple[str, ...]] = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        arguments = (*inherited, *getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            routes |= route_arguments(pattern.url_patterns, inner, arguments)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"route {pattern.pattern} has no name"
            routes[namespace + pattern.name] = arguments
    return routes


@pytest.fixture
def samples(organisation) -> dict[str, object]:
    """One record of `organisation` for every URL argument any route takes."""
    kwargs: dict[str, object] = {}
    for module_name in ACCESS_MODULES:
        kwargs.update(importlib.import_module(module_name).url_kwargs(organisation))
    return kwargs


def url_for(name: str, samples) -> str:
    return reverse(
        name, kwargs={argument: samples[argument] for argument in route_arguments()[name]}
    )


def test_every_route_is_in_the_access_table():
    assert sorted(route_arguments()) == sorted(EXPECTED)
    for name, roles in OWN_ONLY.items():
        allowed = EXPECTED[name]
        assert isinstance(allowed, set | frozenset), f"{name}: OWN_ONLY needs a set of roles"
        assert set(roles) <= allowed, f"{name}: OWN_ONLY roles must be allowed"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_route_declares_its_access_rule(name, samples):
    rule = access_rule_of(resolve(url_for(name, samples)).func)
    assert rule is not None
    expected = EXPECTED[name]
    assert rule.kind == (
        expected if expected in (PUBLIC, PASSWORD_CHECKED, SIGNED_IN) else "permission"
    )


@pytest.mark.parametrize(
    "name", [*PROTECTED, "accounts:choose_organisation", "accounts:two_factor"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, samples):
    url = url_for(name, samples)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in") + "?next=")


@pytest.mark.parametrize("name", PROTECTED)
def test_another_organisations_user_sees_nothing_of_ours(
    sign_in, charlie, other_organisation, organisation, name, samples
):
    # Charlie even forges a session that claims to act for our organisation.
    client = sign_in(charlie, organisation)
    url = url_for(name, samples)
    if name in POST_ONLY:
        assert route_arguments()[name], "a POST-only route with no record cannot be checked here"
        assert client.post(url).status_code == 404  # our record is not found from their side
        return
    response = client.get(url)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        body = response.getvalue().decode()  # a page, or a download's whole stream (ADR-093)
        assert organisation.name not in body
        assert not [secret for secret in SECRETS if secret in body]
        # They are acting for their own organisation: its name is on the page, or names the file.
        if response.streaming:
            disposition = response["Content-Disposition"]
            assert other_organisation.slug in disposition and organisation.slug not in disposition
        else:
            assert other_organisation.name in body


@pytest.mark.parametrize("role", sorted(Role))
@pytest.mark.parametrize("name", PROTECTED)
def test_each_role_gets_exactly_what_its_rule_allows(client_as, role, name, samples):
    response = client_as(role).get(url_for(name, samples))
    allowed = 405 if name in POST_ONLY else 200
    if role in OWN_ONLY.get(name, ()):
        allowed = 404  # permitted, but this sample record is not theirs
    roles = EXPECTED[name]
    assert isinstance(roles, set | frozenset)  # PROTECTED: a route with roles
    assert response.status_code == (allowed if role in roles else 403)
    if response.status_code == 403:
        assert "You do not have permission to see this page" in response.content.decode()


def test_a_user_with_no_organisation_is_asked_to_choose_one(sign_in, make_user, organisation):
    user = make_user(organisation=organisation)  # no roles at all
    response = sign_in(user).get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:choose_organisation"
    )
    page = sign_in(user).get(reverse("accounts:choose_organisation"))
    assert "You do not have a role in any organisation yet" in page.content.decode()


def test_sign_out_only_accepts_post(client_as):
    client = client_as(Role.COORDINATOR)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302  # signed out


def test_a_view_without_an_access_rule_is_refused(rf, coordinator):
    from django.http import HttpResponse

    from kindred.core.access import AccessMiddleware

    def undeclared(request):
        return HttpResponse("secret")

    request = rf.get("/")
    request.user = coordinator
    middleware = AccessMiddleware(lambda r: HttpResponse())
    with pytest.raises(Exception) as refused:
        middleware.process_view(request, undeclared, (), {})
    assert type(refused.value).__name__ == "PermissionDenied"
