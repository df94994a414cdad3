"""A supporter from another organisation of the network (ADR-013). Sam volunteers with MAEcare;
a network admin matched him with Maud of Crafty Needles, so the relationship is Crafty Needles'.
Sam is a supporter by who he is: acting for Crafty Needles (where he holds a volunteer role) he
sees and logs for Maud, and only Maud; his hours go to MAEcare's ledger; acting for MAEcare he
sees nothing of Crafty Needles."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory
from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.relationships.models import Contact
from kindred.relationships.tasks import remind_quiet
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.models import SupportRequest, VolunteerHours
from kindred.volunteers.tests.factories import VolunteerFactory
from kindred.wellbeing import services as wellbeing
from kindred.wellbeing.tests.factories import GoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(organisation):
    return OrganisationFactory(slug="maecare", name="MAEcare Leeds", network=organisation.network)


@pytest.fixture
def sam_user(make_user, neighbour):
    return make_user(Role.VOLUNTEER, organisation=neighbour, email="sam@example.com")


@pytest.fixture
def sam(neighbour, sam_user):
    """Sam's volunteer record, in MAEcare."""
    return VolunteerFactory(
        organisation=neighbour, user=sam_user, given_name="Sam", email="sam@example.com"
    )


@pytest.fixture
def maud(organisation, sam):
    """Crafty Needles' relationship: Sam supports Maud."""
    return RelationshipFactory(
        organisation=organisation,
        supporters=[sam],
        person__given_name="Maud",
        person__family_name="Ashworth",
    )


@pytest.fixture
def team(organisation, sam_user):
    """Crafty Needles' organisation admin added Sam to their team as a volunteer."""
    MembershipFactory(user=sam_user, organisation=organisation, role=Role.VOLUNTEER)


def contact_url(relationship):
    return reverse("relationships:contact", kwargs={"relationship_id": relationship.pk})


def a_call():
    return {
        "happened_on": timezone.localdate().isoformat(),
        "mode": "phone",
        "outcome": "happened",
        "feeling": "fine",
        "duration_minutes": "40",
    }


def test_acting_for_the_persons_organisation_they_see_and_log_for_the_person(
    team, sign_in, sam_user, sam, maud, organisation, neighbour, coordinator
):
    client = sign_in(sam_user, organisation)
    mine = client.get(reverse("relationships:mine")).content.decode()
    assert "Maud Ashworth" in mine
    assert "Maud" in client.get(reverse("core:home")).content.decode()  # next contacts panel

    response = client.post(contact_url(maud), a_call())
    assert response.status_code == 302 and response["Location"] == reverse("relationships:mine")
    contact = Contact.objects.get()
    assert (contact.organisation, contact.volunteer, contact.logged_by) == (
        organisation,
        sam,
        sam_user,
    )
    # His time counts where he volunteers: MAEcare's ledger, not Crafty Needles'.
    hours = VolunteerHours.objects.get()
    assert (hours.volunteer, hours.organisation, hours.minutes) == (sam, neighbour, 40)

    # Maud's goals, and her crisis plan when she lets her supporters see it.
    GoalFactory(relationship=maud, text="Walk to the shops on my own")
    goals = client.get(reverse("wellbeing:goals", args=[maud.person.pk]))
    assert goals.status_code == 200 and "Walk to the shops on my own" in goals.content.decode()
    plan_url = reverse("wellbeing:crisis_plan", args=[maud.person.pk])
    wellbeing.crisis_plan_save(
        by=Acting(user=coordinator, organisation=organisation),
        person=maud.person,
        based_on=0,
        content=wellbeing.PlanContent(warning_signs="I stop answering the phone"),
        sharing=wellbeing.Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False),
    )
    assert reverse("wellbeing:crisis_plan", args=[maud.person.pk]) in (
        client.get(reverse("relationships:mine")).content.decode()
    )
    plan = client.get(plan_url)
    assert plan.status_code == 200 and "I stop answering the phone" in plan.content.decode()
    gp = client.get(reverse("referrals:gp_concern", args=[maud.person.pk]))
    assert gp.status_code == 200


def test_a_plan_not_shared_with_supporters_stays_closed_to_them(
    team, sign_in, sam_user, maud, organisation, coordinator
):
    wellbeing.crisis_plan_save(
        by=Acting(user=coordinator, organisation=organisation),
        person=maud.person,
        based_on=0,
        content=wellbeing.PlanContent(warning_signs="I stop answering the phone"),
        sharing=wellbeing.Sharing(
            supporters=False, crisis_line=False, facilitators=False, gp=False
        ),
    )
    client = sign_in(sam_user, organisation)
    plan = client.get(reverse("wellbeing:crisis_plan", args=[maud.person.pk]))
    assert "I stop answering the phone" not in plan.content.decode()


def test_supervision_is_asked_of_their_own_organisation(
    team, sign_in, sam_user, sam, maud, organisation, neighbour
):
    client = sign_in(sam_user, organisation)
    url = reverse("relationships:ask_supervision")
    assert "Your coordinator at MAEcare Leeds will be told" in client.get(url).content.decode()
    client.post(url, {"message": "A hard call this week"})
    request = SupportRequest.objects.get()
    assert (request.organisation, request.volunteer) == (neighbour, sam)


def test_acting_for_their_own_organisation_they_see_nothing_of_the_other(
    team, sign_in, sam_user, maud, neighbour
):
    client = sign_in(sam_user, neighbour)
    assert "Maud" not in client.get(reverse("relationships:mine")).content.decode()
    assert client.get(contact_url(maud)).status_code == 404
    assert client.post(contact_url(maud), a_call()).status_code == 404
    for name in ("wellbeing:goals", "wellbeing:crisis_plan", "referrals:gp_concern"):
        assert client.get(reverse(name, args=[maud.person.pk])).status_code == 404, name
    assert not Contact.objects.exists()


def test_without_a_role_in_the_persons_organisation_they_cannot_act_for_it(
    sign_in, sam_user, maud, organisation
):
    """Asking to act for Crafty Needles leaves him acting for MAEcare, where Maud is not."""
    client = sign_in(sam_user, organisation)
    mine = client.get(reverse("relationships:mine")).content.decode()
    assert "MAEcare Leeds" in mine and "Maud" not in mine
    assert client.get(contact_url(maud)).status_code == 404


def test_another_volunteer_of_the_persons_organisation_still_gets_404(
    team, make_user, sign_in, maud, organisation
):
    tom = make_user(Role.VOLUNTEER, organisation=organisation, email="tom@example.com")
    VolunteerFactory(organisation=organisation, user=tom, given_name="Tom")
    client = sign_in(tom, organisation)
    assert "Maud" not in client.get(reverse("relationships:mine")).content.decode()
    assert client.get(contact_url(maud)).status_code == 404
    for name in ("wellbeing:goals", "wellbeing:crisis_plan", "referrals:gp_concern"):
        assert client.get(reverse(name, args=[maud.person.pk])).status_code == 404, name


def test_going_quiet_reminders_go_only_to_supporters_who_can_open_it(
    organisation, neighbour, sam, sam_user, make_user
):
    """Sam is reminded once he holds a role in Crafty Needles; a supporter with no account is
    reminded as before (a coordinator logs for them)."""
    no_account = VolunteerFactory(organisation=organisation, email="ann@example.com")
    last = dt.date(2026, 3, 2)
    RelationshipFactory(
        organisation=organisation,
        supporters=[sam, no_account],
        introduced_on=last - dt.timedelta(days=60),
        started_on=last - dt.timedelta(days=50),
        last_contact_on=last,
    )
    later = RelationshipFactory(
        organisation=organisation,
        supporters=[sam],
        introduced_on=last - dt.timedelta(days=60),
        started_on=last - dt.timedelta(days=50),
        last_contact_on=last + dt.timedelta(days=1),
    )
    quiet_day = last + dt.timedelta(days=22)
    remind_quiet(organisation, quiet_day)
    recipients = Notification.objects.values_list("recipient", flat=True)
    assert sorted(recipients) == ["ann@example.com"]

    MembershipFactory(user=sam_user, organisation=organisation, role=Role.VOLUNTEER)
    remind_quiet(organisation, quiet_day + dt.timedelta(days=1))
    sent = Notification.objects.filter(recipient="sam@example.com")
    assert [n.target_id for n in sent] == [str(later.quiet_reminders.get().pk)]
