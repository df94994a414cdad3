"""Inviting a volunteer to sign in from their record, in one step: an invitation to the volunteer
role, sent by accounts to the email on their record. Refused plainly, with nothing sent, when
there is no email, they already sign in as a volunteer here, or an invitation is waiting; and by
accounts (audited) for anyone who may not give the role (ADR-070)."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts import services as accounts_services
from kindred.accounts.models import Invitation, Role
from kindred.accounts.tests.factories import MembershipFactory, UserFactory
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.volunteers import errors, selectors
from kindred.volunteers.services import profile
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

BASE = "https://kindred.example/"


@pytest.fixture
def admin(make_user, organisation):
    """A coordinator who is also an organisation admin, so may give the volunteer role."""
    return make_user(
        Role.COORDINATOR,
        Role.ORGANISATION_ADMIN,
        organisation=organisation,
        email="sam@example.com",
    )


@pytest.fixture
def as_admin(admin, organisation):
    return Acting(user=admin, organisation=organisation, ip_address="192.0.2.1")


@pytest.fixture
def gwen(organisation):
    return VolunteerFactory(
        organisation=organisation, given_name="Gwen", family_name="Tait", email="gwen@example.com"
    )


def invite(by, volunteer):
    return profile.sign_in_invite(by=by, volunteer=volunteer, base_url=BASE)


def test_a_volunteer_is_invited_to_sign_in_as_a_volunteer_in_one_step(as_admin, admin, gwen):
    invitation = invite(as_admin, gwen)
    assert invitation.role == Role.VOLUNTEER and invitation.organisation == gwen.organisation
    assert invitation.email == "gwen@example.com" and invitation.full_name == "Gwen Tait"
    assert invitation.invited_by == admin and invitation.status == Invitation.Status.PENDING
    [email] = Notification.objects.filter(recipient="gwen@example.com")
    assert (
        "invited you to join Crafty Needles" in email.body
        and "as peer supporter or befriender" in email.body
    )
    [entry] = AuditEvent.objects.for_record(gwen).filter(action="volunteer.sign_in_invited")
    assert entry.detail == {"invitation": str(invitation.pk)} and entry.actor == admin
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 1
    assert selectors.sign_in_invitation_waiting(volunteer=gwen) == invitation


def test_with_no_email_nothing_is_sent(as_admin, organisation):
    volunteer = VolunteerFactory(
        organisation=organisation, given_name="Dev", family_name="Mistry", email=""
    )
    with pytest.raises(errors.VolunteerError, match="There is no email address on Dev Mistry's"):
        invite(as_admin, volunteer)
    assert not Invitation.objects.exists() and not Notification.objects.exists()


def test_someone_who_already_signs_in_here_as_a_volunteer_is_not_invited(
    as_admin, gwen, organisation, make_user
):
    make_user(Role.VOLUNTEER, organisation=organisation, email="GWEN@example.com")
    with pytest.raises(errors.VolunteerError, match="Gwen Tait already signs in to Kindred here"):
        invite(as_admin, gwen)
    assert not Invitation.objects.exists()


def test_a_linked_sign_in_with_the_volunteer_role_counts_whatever_its_email(
    as_admin, gwen, organisation, make_user
):
    gwen.user = make_user(Role.VOLUNTEER, organisation=organisation, email="g.tait@example.org")
    gwen.save(update_fields=["user"])
    with pytest.raises(errors.VolunteerError, match="already signs in"):
        invite(as_admin, gwen)
    assert not Invitation.objects.exists()


def test_a_volunteer_role_elsewhere_is_no_reason_not_to_invite(
    as_admin, gwen, other_organisation, make_user
):
    make_user(Role.VOLUNTEER, organisation=other_organisation, email="gwen@example.com")
    assert invite(as_admin, gwen).role == Role.VOLUNTEER


def test_an_invitation_already_waiting_is_not_sent_again(as_admin, gwen):
    first = invite(as_admin, gwen)
    with pytest.raises(
        errors.VolunteerError, match=r"Gwen Tait was invited to sign in on .* lasts"
    ):
        invite(as_admin, gwen)
    assert Invitation.objects.get() == first
    assert Notification.objects.count() == 1
    assert AuditEvent.objects.filter(action="volunteer.sign_in_invited").count() == 1


def test_an_invitation_that_ran_out_is_sent_again(as_admin, gwen):
    first = invite(as_admin, gwen)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    again = invite(as_admin, gwen)
    assert again.pk == first.pk and again.is_open  # accounts renews the one that ran out
    assert Notification.objects.count() == 2


def test_a_coordinator_who_may_not_give_the_role_is_refused_by_accounts_and_it_is_audited(by, gwen):
    with pytest.raises(errors.VolunteerError) as refused:
        invite(by, gwen)
    assert str(refused.value) == (
        "Only an organisation admin of Crafty Needles can give or take away the role peer "
        "supporter or befriender, "
        "so you cannot invite Gwen Tait to sign in. Ask an organisation admin to invite them."
    )
    assert not Invitation.objects.exists() and not Notification.objects.exists()
    [kept] = AuditEvent.objects.filter(action="membership.grant_refused")
    assert kept.actor == by.user and kept.detail["role"] == "volunteer"
    assert not AuditEvent.objects.filter(action="volunteer.sign_in_invited").exists()


def test_another_organisations_volunteer_is_not_invited(as_admin, other_organisation):
    theirs = VolunteerFactory(organisation=other_organisation, email="theirs@example.com")
    with pytest.raises(errors.VolunteerError, match="not one of this organisation's"):
        invite(as_admin, theirs)
    assert not Invitation.objects.exists()


def test_once_they_accept_their_sign_in_is_connected_to_their_record(as_admin, gwen):
    invitation = invite(as_admin, gwen)
    invitee = invitation.user
    accounts_services.invitation_accept(
        by=Acting(user=invitee, organisation=None), invitation_id=invitation.pk
    )
    assert invitee in selectors.sign_ins_without_record(organisation=gwen.organisation)
    profile.user_link(by=as_admin, volunteer=gwen, user=invitee)
    gwen.refresh_from_db()
    assert gwen.user == invitee and selectors.volunteer_sign_in_held(volunteer=gwen)


# The page


def detail(volunteer):
    return reverse("volunteers:detail", kwargs={"volunteer_id": volunteer.pk})


def button(volunteer):
    return reverse("volunteers:sign_in_invite", kwargs={"volunteer_id": volunteer.pk})


def test_the_button_on_the_record_sends_the_invitation(sign_in, admin, organisation, gwen):
    client = sign_in(admin, organisation)
    page = client.get(detail(gwen)).content.decode()
    assert "Invite them to sign in" in page and "We will email gwen@example.com" in page
    response = client.post(button(gwen))
    assert response.status_code == 302 and response["Location"] == detail(gwen)
    page = client.get(detail(gwen)).content.decode()
    assert "We have emailed Gwen Tait an invitation to sign in as a volunteer" in page
    assert "Invited on" in page and "waiting for them to accept" in page
    assert "Invite them to sign in" not in page
    assert Invitation.objects.filter(email="gwen@example.com", role=Role.VOLUNTEER).count() == 1


def test_a_refusal_is_shown_plainly_on_the_record(sign_in, admin, organisation, gwen):
    client = sign_in(admin, organisation)
    client.post(button(gwen))
    response = client.post(button(gwen), follow=True)  # an old page, sent again
    page = html.unescape(response.content.decode())
    assert 'role="alert"' in page and "Gwen Tait was invited to sign in on" in page
    assert Invitation.objects.count() == 1


def test_a_coordinator_who_may_not_give_the_role_is_told_who_can(client_as, gwen):
    client = client_as(Role.COORDINATOR)
    page = client.get(detail(gwen)).content.decode()
    assert "An organisation admin can invite them to sign in" in page
    assert "Invite them to sign in</" not in page
    response = client.post(button(gwen), follow=True)
    assert "Only an organisation admin of Crafty Needles" in response.content.decode()
    assert not Invitation.objects.exists()


def test_no_email_on_the_record_is_explained_instead_of_a_button(sign_in, admin, organisation):
    volunteer = VolunteerFactory(organisation=organisation, email="")
    page = sign_in(admin, organisation).get(detail(volunteer)).content.decode()
    assert "There is no email address on their record, so they cannot be invited" in page


def test_the_button_only_posts(sign_in, admin, organisation, gwen):
    assert sign_in(admin, organisation).get(button(gwen)).status_code == 405
    assert not Invitation.objects.exists()


def test_another_organisations_admin_cannot_invite_our_volunteer(sign_in, gwen, other_organisation):
    outsider = UserFactory()
    for role in (Role.COORDINATOR, Role.ORGANISATION_ADMIN):
        MembershipFactory(user=outsider, organisation=other_organisation, role=role)
    assert sign_in(outsider, other_organisation).post(button(gwen)).status_code == 404
    assert not Invitation.objects.exists()
