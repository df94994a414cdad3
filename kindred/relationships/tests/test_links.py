"""The links a relationship's pages show to the pages of apps above relationships (ADR-086):
registered by those apps, shown in order, only when the user may follow them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from kindred.core.http import OrganisationRequest
from kindred.relationships import links
from kindred.relationships.links import ANOTHER_SUPPORTER, PERSON, Link, relationship_link
from kindred.relationships.models import Relationship


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    empty: dict[str, Any] = {}
    monkeypatch.setattr(links, "_links", empty)
    return empty


def test_links_are_shown_in_order_in_their_place_and_only_when_they_work(registry):
    flags = SimpleNamespace(allowed=False)
    request = cast(OrganisationRequest, flags)
    relationship = cast(Relationship, SimpleNamespace(person_id="p1"))

    @relationship_link(PERSON, "second", order=20)
    def second(request: Any, relationship: Any) -> Link | None:
        return Link(f"/b/{relationship.person_id}", "B")

    @relationship_link(PERSON, "first", order=10)
    def first(request: Any, relationship: Any) -> Link | None:
        return Link("/a/", "A")

    @relationship_link(PERSON, "only-if-allowed", order=15)
    def only_if_allowed(request: Any, relationship: Any) -> Link | None:
        return Link("/secret/", "Secret") if request.allowed else None

    @relationship_link(ANOTHER_SUPPORTER, "elsewhere")
    def elsewhere(request: Any, relationship: Any) -> Link | None:
        return Link("/c/", "C")

    assert links.links_for(PERSON, request, relationship) == [
        Link("/a/", "A"),
        Link("/b/p1", "B"),
    ]
    flags.allowed = True
    assert [link.text for link in links.links_for(PERSON, request, relationship)] == [
        "A",
        "Secret",
        "B",
    ]
    assert links.links_for(ANOTHER_SUPPORTER, request, relationship) == [Link("/c/", "C")]


def test_a_link_is_registered_only_in_a_known_place(registry):
    with pytest.raises(ValueError, match="No place 'sidebar'"):
        relationship_link("sidebar", "x")


def test_the_apps_above_register_their_links_when_django_starts():
    """Wellbeing (the person's goals and plan) and matching (a new match) register theirs in
    their AppConfig.ready; relationships names neither."""
    keys = {link.key: link.place for link in links._links.values()}
    assert keys["wellbeing-goals"] == PERSON
    assert keys["wellbeing-crisis-plan"] == PERSON
    assert keys["matching-suggest"] == ANOTHER_SUPPORTER
