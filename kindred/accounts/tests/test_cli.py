"""`kindred role grant|revoke` and `kindred two-factor reset`: the operator's way to give any role
(ADR-070) and to reset anyone's two-step verification (ADR-072). Idempotent, audited as the
operator, one clear line and a non-zero exit for a mistake."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts.models import Membership, Role
from kindred.accounts.tests.factories import MembershipFactory
from kindred.cli import build_parser, main
from kindred.core.models import AuditEvent


def test_the_role_and_two_factor_subcommands_are_wired_to_their_commands():
    args = build_parser().parse_args(
        ["role", "grant", "--email", "a@example.com", "--role", "network_admin", "--network", "n"]
    )
    assert (args.action, args.email, args.role, args.network, args.organisation) == (
        "grant",
        "a@example.com",
        "network_admin",
        "n",
        None,
    )
    with pytest.raises(SystemExit):  # one of --organisation and --network, not both
        build_parser().parse_args(
            ["role", "grant", "--email", "a@e.com", "--role", "x", "--network", "n",
             "--organisation", "o"]
        )  # fmt: skip
    args = build_parser().parse_args(["two-factor", "reset", "--email", "a@example.com"])
    assert (args.action, args.email) == ("reset", "a@example.com")


def test_the_operator_grants_a_network_role_once_and_it_is_audited_as_the_operator(
    coordinator, organisation, capsys
):
    args = ["grant", "--email", "Coordinator@Example.com", "--role", "network_admin"]
    call_command("role", *args, "--network", organisation.network.slug)
    call_command("role", *args, "--network", organisation.network.slug)
    out = capsys.readouterr().out
    assert "is now network admin" in out and "already was network admin" in out
    membership = Membership.objects.get(user=coordinator, role=Role.NETWORK_ADMIN)
    assert membership.network == organisation.network and membership.organisation is None
    [granted] = AuditEvent.objects.filter(action="membership.granted")
    assert granted.actor is None and granted.actor_label == "operator (kindred role grant)"


def test_the_operator_grants_and_revokes_an_organisation_role(coordinator, organisation, capsys):
    args = ["--email", coordinator.email, "--role", "safeguarding-lead"]
    call_command("role", "grant", *args, "--organisation", organisation.slug)
    assert Role.SAFEGUARDING_LEAD in coordinator.__class__.objects.get(pk=coordinator.pk).roles_in(
        organisation
    )
    call_command("role", "revoke", *args, "--organisation", organisation.slug)
    call_command("role", "revoke", *args, "--organisation", organisation.slug)
    out = capsys.readouterr().out
    assert "is no longer safeguarding lead" in out and "was not safeguarding lead" in out
    assert not Membership.objects.get(role=Role.SAFEGUARDING_LEAD).is_active
    assert AuditEvent.objects.filter(action="membership.ended").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nobody@example.com", "--role", "coordinator", "--organisation",
          "crafty-needles"], "no user with the email 'nobody@example.com'"),
        (["--email", "coordinator@example.com", "--role", "coordinator", "--organisation",
          "nowhere"], "no organisation with the slug 'nowhere'"),
        (["--email", "coordinator@example.com", "--role", "network_admin", "--network",
          "nowhere"], "no network with the slug 'nowhere'"),
        (["--email", "coordinator@example.com", "--role", "wizard", "--organisation",
          "crafty-needles"], "no role 'wizard'"),
        (["--email", "coordinator@example.com", "--role", "network_admin", "--organisation",
          "crafty-needles"], "Network admin is a role across a network: use --network"),
        (["--email", "coordinator@example.com", "--role", "coordinator", "--network",
          "stockport"], "Coordinator is a role in one organisation: use --organisation"),
    ],
)  # fmt: skip
def test_role_refuses_bad_input_with_one_line_and_changes_nothing(
    coordinator, organisation, capsys, args, message
):
    before = list(Membership.objects.values_list("pk", "role", "is_active"))
    with pytest.raises(CommandError, match=message):
        call_command("role", "grant", *args)
    assert main(["role", "grant", *args]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kindred: ") and message in err
    assert list(Membership.objects.values_list("pk", "role", "is_active")) == before


def test_the_operator_cannot_remove_the_last_organisation_admin(make_user, organisation, capsys):
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    args = ["revoke", "--email", admin.email, "--role", "organisation_admin"]
    assert main(["role", *args, "--organisation", organisation.slug]) == 1
    assert "must keep at least one organisation admin" in capsys.readouterr().err
    assert admin.memberships.get().is_active


def test_the_operator_resets_two_step_verification_of_someone_in_two_organisations(
    coordinator, other_organisation, capsys
):
    MembershipFactory(user=coordinator, organisation=other_organisation, role=Role.VOLUNTEER)
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    assert main(["two-factor", "reset", "--email", coordinator.email]) == 0
    assert "will set up a new authenticator app" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    reset = AuditEvent.objects.get(action="user.two_factor_reset")
    assert reset.actor_label == "operator (kindred two-factor reset)"


def test_two_factor_reset_of_an_unknown_email_is_a_clear_error(db, capsys):
    assert main(["two-factor", "reset", "--email", "nobody@example.com"]) == 1
    assert capsys.readouterr().err == "kindred: no user with the email 'nobody@example.com'\n"
