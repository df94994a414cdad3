from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kindred.accounts.models import Membership, Role
from kindred.cli import build_parser
from kindred.core.models import AuditEvent


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for command in ["demo", "serve", "worker", "seed", "migrate", "createadmin", "organisations"]:
        assert command in out


def test_serve_takes_host_and_port():
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])  # noqa: S104
    assert (args.host, args.port) == ("0.0.0.0", 9000)  # noqa: S104


def test_organisations_lists_slug_name_and_network_separated_by_tabs(
    organisation, other_organisation, capsys
):
    call_command("organisations")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "crafty-needles\tCrafty Needles\tstockport",
        "elsewhere\tElsewhere Trust\telsewhere",
    ]


def test_createadmin_makes_an_organisation_admin_once(db, monkeypatch, capsys):
    monkeypatch.setenv("KINDRED_ADMIN_PASSWORD", "a-long-enough-passphrase-2026")
    args = [
        "--email",
        "Admin@Example.com",
        "--name",
        "Ada Admin",
        "--organisation",
        "new-org",
        "--organisation-name",
        "New Org",
    ]
    call_command("createadmin", *args)
    call_command("createadmin", *args)
    membership = Membership.objects.get()
    assert (membership.user.email, membership.role, membership.organisation.name) == (
        "admin@example.com",
        Role.ORGANISATION_ADMIN,
        "New Org",
    )
    assert membership.user.check_password("a-long-enough-passphrase-2026")
    assert AuditEvent.objects.filter(action="membership.granted").count() == 1


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (
            ["--email", "a@example.com", "--name", "A", "--organisation", "missing"],
            "a-long-enough-passphrase",
            "No organisation with slug 'missing'",
        ),
        (
            [
                "--email",
                "not-email",
                "--name",
                "A",
                "--organisation",
                "x",
                "--organisation-name",
                "X",
            ],
            "a-long-enough-passphrase",
            "is not an email address",
        ),
        (
            [
                "--email",
                "a@example.com",
                "--name",
                "A",
                "--organisation",
                "x",
                "--organisation-name",
                "X",
            ],
            "short",
            "too short",
        ),
    ],
)
def test_createadmin_refuses_bad_input_and_changes_nothing(
    db, monkeypatch, args, password, message
):
    monkeypatch.setenv("KINDRED_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("createadmin", *args)
    assert not Membership.objects.exists()
