"""Each organisation tunes how much each part of a match counts; defaults are the engine's."""

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.matching import selectors, services
from kindred.matching.engine.scoring import DEFAULT_WEIGHTS
from kindred.matching.models import MatchingWeights
from kindred.matching.suggest import suggest
from kindred.matching.tests.factories import SupporterProfileFactory, WaitingProfileFactory
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "shared_experience": "0.3",
    "distance": "0.2",
    "interests": "0.1",
    "availability": "0.1",
    "waiting": "0.5",
    "continuity": "0.05",
}


def test_the_engines_defaults_apply_until_an_organisation_changes_them(
    client_as, organisation, other_organisation
):
    assert selectors.weights_of(organisation=organisation) == DEFAULT_WEIGHTS
    response = client_as(Role.COORDINATOR).post(
        reverse("matching:weights"), {**DEFAULTS, "waiting": "0"}
    )
    assert response.status_code == 302
    assert selectors.weights_of(organisation=organisation).waiting == 0
    assert selectors.weights_of(organisation=other_organisation) == DEFAULT_WEIGHTS
    assert AuditEvent.objects.filter(action="matching_weights.saved").count() == 1


def test_weights_must_make_sense(client_as, organisation):
    client = client_as(Role.COORDINATOR)
    response = client.post(reverse("matching:weights"), {**DEFAULTS, "interests": "-1"})
    assert "Weight for shared interests must be 0 or more" in response.content.decode()
    only_distance = {name: "0" for name in DEFAULTS} | {"distance": "1"}
    response = client.post(reverse("matching:weights"), only_distance)
    assert "At least one weight other than distance must be more than 0" in (
        response.content.decode()
    )
    assert not MatchingWeights.objects.exists()


def test_suggestions_use_the_organisations_weights(organisation):
    role = RoleFactory(organisation=organisation, dbs_level="basic")
    for name, experiences, interests in [
        ("Sam", ["stroke"], []),
        ("Tom", ["stroke", "copd"], ["chess", "darts"]),
    ]:
        volunteer = SupporterProfileFactory(
            volunteer__organisation=organisation,
            volunteer__given_name=name,
            experiences=experiences,
            interests=interests,
            capacity=1,
        ).volunteer
        volunteer.roles.add(role)
        DbsCheckFactory(volunteer=volunteer, level="basic")
    WaitingProfileFactory(
        referral__organisation=organisation,
        experiences=["stroke"],
        interests=["chess", "darts"],
    )
    assert (
        suggest(organisation=organisation).proposals[0].supporters[0].volunteer.given_name == "Tom"
    )
    services.weights_save(
        by=Acting(user=None, organisation=organisation),
        values={**{k: float(v) for k, v in DEFAULTS.items()}, "interests": 0.0},
    )
    [proposal] = suggest(organisation=organisation).proposals
    assert proposal.supporters[0].score == pytest.approx(proposal.alternatives[0].score)
