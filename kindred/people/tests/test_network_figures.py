"""The commissioner's and network admin's figures across the network: people supported, volunteers
and team members of each active organisation of the network, counts only. They live in people
(ADR-087): accounts, below people, gives the organisations and their team sizes."""

from __future__ import annotations

from django.urls import reverse

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory
from kindred.people import selectors
from kindred.people.tests.factories import PersonFactory


def test_each_active_organisation_of_the_network_with_its_people_and_team(
    organisation, other_organisation, make_user, django_assert_max_num_queries
):
    neighbour = OrganisationFactory(slug="maecare", name="MAEcare", network=organisation.network)
    closed = OrganisationFactory(slug="closed", network=organisation.network, is_active=False)
    PersonFactory.create_batch(7, organisation=organisation)
    PersonFactory.create_batch(2, organisation=neighbour)
    PersonFactory.create_batch(3, organisation=other_organisation)  # another network
    PersonFactory(organisation=closed)
    volunteer = make_user(Role.VOLUNTEER, Role.FACILITATOR, organisation=organisation)
    make_user(Role.COORDINATOR, organisation=organisation)
    MembershipFactory(user=volunteer, organisation=neighbour, role=Role.VOLUNTEER)
    MembershipFactory(organisation=neighbour, role=Role.VOLUNTEER, is_active=False)  # ended
    make_user(Role.COMMISSIONER, organisation=organisation)  # a network role: no team's member

    with django_assert_max_num_queries(4):  # the organisations, then three grouped counts
        figures = selectors.network_figures(organisation=neighbour)

    assert [(f.organisation, f.people, f.volunteers, f.members) for f in figures] == [
        (organisation, 7, 1, 2),
        (neighbour, 2, 1, 1),
    ]


def test_an_organisation_outside_any_network_sees_its_own_figures(make_user):
    alone = OrganisationFactory(slug="alone", network=None)
    PersonFactory(organisation=alone)
    make_user(Role.VOLUNTEER, organisation=alone)
    [figures] = selectors.network_figures(organisation=alone)
    assert (figures.organisation, figures.people, figures.volunteers, figures.members) == (
        alone,
        1,
        1,
        1,
    )


def test_the_commissioner_sees_the_figures_on_their_home_page_small_counts_suppressed(
    organisation, make_user, sign_in
):
    PersonFactory.create_batch(6, organisation=organisation)
    make_user(Role.COORDINATOR, organisation=organisation)
    commissioner = make_user(Role.COMMISSIONER, organisation=organisation)
    page = sign_in(commissioner, organisation).get(reverse("core:home")).content.decode()
    assert "Across the network" in page
    numeric = '<td class="nhsuk-table__cell--numeric">'
    # 6 people, no volunteers, one team member (the commissioner's role is the network's)
    row = f"<tr><td>Crafty Needles</td>{numeric}6</td>{numeric}0</td>{numeric}fewer than 5</td>"
    assert row in page
