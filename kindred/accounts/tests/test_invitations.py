"""Adding someone to a team is an invitation they accept (ADR-071, issue 10 item 2): the admin
learns nothing about whether the email has an account, and nobody holds a role without saying
yes, signed in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts import services
from kindred.accounts.models import Invitation, Membership, Role, User
from kindred.core.models import AuditEvent
from kindred.core.services import Acting


@pytest.fixture
def admin(make_user, organisation):
    return make_user(Role.ORGANISATION_ADMIN, organisation=organisation, email="admin@example.com")


def invite(client, email, name="Made Up Name", role=Role.COORDINATOR):
    return client.post(
        reverse("accounts:member_add"), {"full_name": name, "email": email, "role": role.value}
    )


def normalised(text: str, *words: str) -> str:
    """The page with what differs by design (the typed email, tokens, ids) taken out."""
    for word in words:
        text = text.replace(word, "EMAIL")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", text)
    text = re.sub(r"\d+ \w+ \d{4} at \d\d:\d\d", "WHEN", text)  # the expiry, to the minute
    return re.sub(r'nonce="[^"]+"', "NONCE", text)


def test_adding_another_organisations_user_by_email_reveals_nothing_of_them(
    sign_in, admin, organisation, charlie, outbox
):
    """The attack as found: an admin adds charlie@example.com, of another organisation, and the
    page showed Charlie's real name and gave them a role at once."""
    client = sign_in(admin, organisation)
    known = invite(client, charlie.email)
    known_team = client.get(reverse("accounts:members")).content.decode()
    Invitation.objects.all().delete()  # so that the team page below shows only the second one
    unknown = invite(client, "nobody-yet@example.com")
    unknown_team = client.get(reverse("accounts:members")).content.decode()

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:members")
    assert charlie.full_name not in known_team
    assert "Made Up Name" in known_team and "Invitations waiting for an answer" in known_team
    assert normalised(known_team, charlie.email) == normalised(
        unknown_team, "nobody-yet@example.com"
    )
    # No role for Charlie until they accept.
    assert User.objects.get(pk=charlie.pk).roles_in(organisation) == frozenset()
    assert not Membership.objects.filter(user=charlie, organisation=organisation).exists()


def test_the_organisations_audit_log_reads_the_same_for_a_known_and_an_unknown_email(
    sign_in, admin, organisation, charlie, outbox
):
    client = sign_in(admin, organisation)

    def actions_after(email):
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        invite(client, email)
        return sorted(
            AuditEvent.objects.filter(organisation=organisation)
            .exclude(pk__in=before)
            .values_list("action", flat=True)
        )

    assert actions_after(charlie.email) == actions_after("nobody-yet@example.com")


def test_the_invited_user_accepts_after_signing_in_and_only_then_joins(
    sign_in, admin, organisation, charlie, outbox
):
    invite(sign_in(admin, organisation), charlie.email, role=Role.FACILITATOR)
    [message] = [m for m in outbox() if m["to"] == charlie.email]
    assert "/invitations/" in message["body"] and "/set-password/" not in message["body"]

    as_charlie = sign_in(charlie)
    page = as_charlie.get(reverse("accounts:invitations")).content.decode()
    assert "Group facilitator for Crafty Needles" in page and admin.full_name in page
    [invitation] = Invitation.objects.filter(user=charlie)
    as_charlie.post(
        reverse("accounts:invitation_answer", kwargs={"invitation_id": invitation.pk}),
        {"answer": "accept"},
    )
    assert Role.FACILITATOR in User.objects.get(pk=charlie.pk).roles_in(organisation)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    logged = set(
        AuditEvent.objects.filter(organisation=organisation, actor=charlie).values_list(
            "action", flat=True
        )
    )
    assert {"invitation.accepted", "membership.granted"} <= logged
    # once accepted it cannot be answered again
    again = as_charlie.post(
        reverse("accounts:invitation_answer", kwargs={"invitation_id": invitation.pk}),
        {"answer": "decline"},
        follow=True,
    ).content.decode()
    assert "expired or was withdrawn" in again


def test_a_declined_invitation_gives_no_role(sign_in, admin, organisation, charlie, outbox):
    invite(sign_in(admin, organisation), charlie.email)
    invitation = Invitation.objects.get(user=charlie)
    sign_in(charlie).post(
        reverse("accounts:invitation_answer", kwargs={"invitation_id": invitation.pk}),
        {"answer": "decline"},
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert User.objects.get(pk=charlie.pk).roles_in(organisation) == frozenset()
    assert AuditEvent.objects.filter(action="invitation.declined", organisation=organisation)
    team = sign_in(admin, organisation).get(reverse("accounts:members")).content.decode()
    assert "Made Up Name" not in team


def test_nobody_answers_someone_elses_invitation(
    sign_in, admin, organisation, charlie, coordinator
):
    invite(sign_in(admin, organisation), charlie.email)
    invitation = Invitation.objects.get(user=charlie)
    page = (
        sign_in(coordinator, organisation)
        .post(
            reverse("accounts:invitation_answer", kwargs={"invitation_id": invitation.pk}),
            {"answer": "accept"},
            follow=True,
        )
        .content.decode()
    )
    assert "expired or was withdrawn" in page
    assert not Membership.objects.filter(user=coordinator, role=Role.COORDINATOR).exclude(
        pk=coordinator.memberships.get().pk
    )
    assert invitation.__class__.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING
    listed = sign_in(coordinator, organisation).get(reverse("accounts:invitations"))
    assert "Made Up Name" not in listed.content.decode()


def test_an_expired_invitation_cannot_be_accepted(sign_in, admin, organisation, charlie, outbox):
    invite(sign_in(admin, organisation), charlie.email)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    invitation = Invitation.objects.get()
    as_charlie = sign_in(charlie)
    assert (
        "You have no invitations waiting"
        in as_charlie.get(reverse("accounts:invitations")).content.decode()
    )
    with pytest.raises(services.InvitationError):
        services.invitation_accept(by=Acting(charlie, None), invitation_id=invitation.pk)
    assert User.objects.get(pk=charlie.pk).roles_in(organisation) == frozenset()
    assert (
        "Made Up Name"
        not in sign_in(admin, organisation).get(reverse("accounts:members")).content.decode()
    )


def test_a_withdrawn_invitation_cannot_be_accepted(sign_in, admin, organisation, charlie, outbox):
    client = sign_in(admin, organisation)
    invite(client, charlie.email)
    invitation = Invitation.objects.get()
    client.post(reverse("accounts:invitation_withdraw", kwargs={"invitation_id": invitation.pk}))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WITHDRAWN
    with pytest.raises(services.InvitationError):
        services.invitation_accept(by=Acting(charlie, None), invitation_id=invitation.pk)
    assert AuditEvent.objects.filter(action="invitation.withdrawn", actor=admin).exists()


def test_an_invitation_from_someone_no_longer_admin_cannot_be_accepted(
    sign_in, admin, make_user, organisation, charlie, outbox
):
    invite(sign_in(admin, organisation), charlie.email)
    make_user(Role.ORGANISATION_ADMIN, organisation=organisation)  # so the first can leave
    services.membership_end(
        by=Acting(admin, organisation),
        membership=admin.memberships.get(role=Role.ORGANISATION_ADMIN),
    )
    with pytest.raises(services.InvitationError, match="can no longer give this role"):
        services.invitation_accept(
            by=Acting(charlie, None), invitation_id=Invitation.objects.get().pk
        )
    assert User.objects.get(pk=charlie.pk).roles_in(organisation) == frozenset()


def test_a_network_admin_invites_someone_to_a_network_role(
    make_user, sign_in, organisation, charlie, outbox
):
    network_admin = make_user(Role.NETWORK_ADMIN, organisation=organisation)
    invite(sign_in(network_admin, organisation), charlie.email, role=Role.COMMISSIONER)
    invitation = Invitation.objects.get()
    services.invitation_accept(by=Acting(charlie, None), invitation_id=invitation.pk)
    held = Membership.objects.get(
        user=charlie, role=Role.COMMISSIONER, network=organisation.network
    )
    assert held.organisation is None and held.is_active


def test_inviting_again_renews_the_waiting_invitation(
    sign_in, admin, organisation, charlie, outbox
):
    client = sign_in(admin, organisation)
    invite(client, charlie.email, name="First Try")
    invite(client, charlie.email, name="Second Try")
    [invitation] = Invitation.objects.all()
    assert invitation.full_name == "Second Try"
