from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kindred.accounts.models import Membership, Network, Organisation, Role
from kindred.accounts.tests.factories import PASSWORD, UserFactory
from kindred.cli import build_parser, main
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
    assert membership.organisation is not None
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


# Networks and organisations without a shell (ADR-091).


def kindred(*argv: str) -> int:
    """Run the `kindred` command in this process, against the test database."""
    return main(list(argv))


def test_the_network_and_organisation_subcommands_are_wired_to_their_commands():
    args = build_parser().parse_args(["network", "create", "leeds", "--name", "Leeds"])
    assert (args.network_command, args.slug, args.name) == ("create", "leeds", "Leeds")
    args = build_parser().parse_args(["network", "add-organisation", "leeds", "maecare"])
    assert (args.network, args.organisation) == ("leeds", "maecare")
    args = build_parser().parse_args(
        ["organisation", "create", "gp", "--name", "GP", "--kind", "gp_practice", "--not-nhs"]
    )
    assert (args.kind, args.nhs, args.not_nhs, args.network) == ("gp_practice", False, True, None)
    args = build_parser().parse_args(["organisation", "update", "gp", "--nhs"])
    assert (args.organisation_command, args.name, args.nhs) == ("update", None, True)
    with pytest.raises(SystemExit):  # an organisation is an NHS body or not, never both
        build_parser().parse_args(["organisation", "update", "gp", "--nhs", "--not-nhs"])


def test_a_network_of_three_organisations_is_built_with_the_commands_alone_and_its_admin_sees_it(
    db, client, capsys
):
    assert not Organisation.objects.exists() and not Network.objects.exists()
    steps = [
        ["network", "create", "leeds", "--name", "Leeds Neighbourhood Networks"],
        ["organisation", "create", "leeds-maecare", "--name", "MAEcare", "--network", "leeds",
         "--kind", "neighbourhood"],
        ["organisation", "create", "chapeltown-gp", "--name", "Chapeltown Surgery", "--network",
         "leeds", "--kind", "gp_practice"],
        ["organisation", "create", "stroke-club", "--name", "Stroke Club"],
        ["network", "add-organisation", "leeds", "stroke-club"],
    ]  # fmt: skip
    for step in steps:
        assert kindred(*step) == 0, step
    jo = UserFactory(email="jo@example.com", full_name="Jo Bennett")
    assert kindred("role", "grant", "--email", jo.email, "--role", "network_admin",
                   "--network", "leeds") == 0  # fmt: skip
    assert kindred("network", "list") == 0
    listed = capsys.readouterr().out.splitlines()[-4:]
    assert listed == [
        "leeds\tLeeds Neighbourhood Networks",
        "\tchapeltown-gp\tChapeltown Surgery\tgp_practice\tnhs\tactive",
        "\tleeds-maecare\tMAEcare\tneighbourhood\tnot-nhs\tactive",
        "\tstroke-club\tStroke Club\tcharity\tnot-nhs\tactive",
    ]

    # Jo signs in with her password, chooses one of the three, and opens the network page.
    signed_in = client.post(reverse("accounts:sign_in"), {"email": jo.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    maecare = Organisation.objects.get(slug="leeds-maecare")
    client.post(reverse("accounts:choose_organisation"), {"organisation": str(maecare.pk)})
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("accounts:network") in home and "3 organisations in Leeds" in home
    page = client.get(reverse("accounts:network"))
    assert page.status_code == 200
    rows = {
        cells[0]: cells[1:4]
        for cells in table_rows(page.content.decode())
        if cells and cells[0] in {"MAEcare", "Chapeltown Surgery", "Stroke Club"}
    }
    assert rows == {
        "Chapeltown Surgery": ["GP practice", "Yes", "Active"],
        "MAEcare": ["Neighbourhood network", "No", "Active"],
        "Stroke Club": ["Charity or voluntary group", "No", "Active"],
    }
    operator_entries = AuditEvent.objects.filter(
        actor__isnull=True, actor_label__startswith="operator"
    )
    assert sorted(operator_entries.values_list("action", flat=True)) == sorted(
        ["network.created", "organisation.created", "organisation.created",
         "organisation.created", "network.organisation_added",
         # Jo's new role is recorded in the log of each of the network's three organisations.
         "membership.granted", "membership.granted", "membership.granted"]
    )  # fmt: skip


def table_rows(html: str) -> list[list[str]]:
    """The text of each table row's cells, tags and surrounding space removed."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(
            r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)]
        for row in rows
    ]  # fmt: skip


def test_asking_again_for_what_is_already_so_changes_nothing(db, capsys):
    for _ in range(2):
        assert kindred("network", "create", "leeds", "--name", "Leeds") == 0
        assert kindred("organisation", "create", "maecare", "--name", "MAEcare") == 0
        assert kindred("network", "add-organisation", "leeds", "maecare") == 0
        assert kindred("organisation", "update", "maecare", "--nhs") == 0
    out = capsys.readouterr().out
    assert "Added the network Leeds (leeds)." in out
    assert "The network Leeds (leeds) already exists." in out
    assert "MAEcare is now in the network Leeds." in out
    assert "MAEcare was already in the network Leeds." in out
    assert "maecare: now an NHS body." in out
    assert "MAEcare (maecare) is unchanged: an NHS body." in out
    assert list(AuditEvent.objects.order_by("occurred_at").values_list("action", flat=True)) == [
        "network.created",
        "organisation.created",
        "network.organisation_added",
        "organisation.updated",
    ]


def test_the_operator_changes_an_organisations_name_and_nhs_identity(db, capsys):
    assert (
        kindred("organisation", "create", "wellbeing", "--name", "Wellbeing", "--kind", "nhs") == 0
    )
    wellbeing = Organisation.objects.get(slug="wellbeing")
    assert wellbeing.is_nhs  # an NHS team is an NHS body unless the operator says otherwise
    assert kindred("organisation", "update", "wellbeing", "--name", "Wellbeing Trust",
                   "--not-nhs") == 0  # fmt: skip
    wellbeing.refresh_from_db()
    assert (wellbeing.name, wellbeing.is_nhs) == ("Wellbeing Trust", False)
    assert "wellbeing: renamed Wellbeing Trust, now not an NHS body." in capsys.readouterr().out
    updated = AuditEvent.objects.get(action="organisation.updated")
    assert updated.organisation == wellbeing  # in the organisation's own log, for its admins
    assert updated.actor_label == "operator (kindred organisation update)"
    assert updated.detail == {
        "name": {"from": "Wellbeing", "to": "Wellbeing Trust"},
        "is_nhs": {"from": True, "to": False},
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["network", "create", "Leeds Networks", "--name", "Leeds"],
         "'Leeds Networks' is not a slug: use lower-case letters, digits and single hyphens"),
        (["network", "create", "stockport", "--name", "Stockport Networks"],
         "The slug 'stockport' is already the network 'Network"),
        (["network", "create", "leeds", "--name", "   "], "Give a name"),
        (["organisation", "create", "crafty-needles", "--name", "Crafty Needles", "--nhs"],
         "The slug 'crafty-needles' is already Crafty Needles, a charity or voluntary group, not "
         "an NHS body, in the network 'stockport', which differs in NHS identity. Change it"),
        (["organisation", "create", "crafty-needles", "--name", "Crafty", "--network",
          "elsewhere", "--kind", "charity"], "which differs in name and network. Change it"),
        (["organisation", "create", "new", "--name", "New", "--kind", "wizard"],
         "no kind of organisation 'wizard'; the kinds are charity, nhs, neighbourhood"),
        (["organisation", "create", "new", "--name", "New", "--network", "nowhere"],
         "no network with the slug 'nowhere'"),
        (["organisation", "create", "new-", "--name", "New"], "'new-' is not a slug"),
        (["organisation", "create", "a" * 51, "--name", "New"], "at most 50 characters"),
        (["organisation", "update", "nowhere", "--nhs"], "no organisation with the slug 'nowhere'"),
        (["organisation", "update", "crafty-needles"],
         "say what to change: --name NAME, --nhs or --not-nhs"),
        (["organisation", "update", "crafty-needles", "--name", ""], "Give a name"),
        (["network", "add-organisation", "nowhere", "crafty-needles"],
         "no network with the slug 'nowhere'"),
        (["network", "add-organisation", "stockport", "nowhere"],
         "no organisation with the slug 'nowhere'"),
        (["network", "add-organisation", "elsewhere", "crafty-needles"],
         "Crafty Needles is already in the network"),
    ],
)  # fmt: skip
def test_a_mistake_is_one_line_a_non_zero_exit_and_changes_nothing(
    organisation, other_organisation, capsys, argv, message
):
    before = (
        list(
            Organisation.objects.order_by("slug").values_list("slug", "name", "network", "is_nhs")
        ),
        list(Network.objects.order_by("slug").values_list("slug", "name")),
    )
    assert kindred(*argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("kindred: ") and message in err and err.count("\n") == 1
    assert before == (
        list(
            Organisation.objects.order_by("slug").values_list("slug", "name", "network", "is_nhs")
        ),
        list(Network.objects.order_by("slug").values_list("slug", "name")),
    )
    assert not AuditEvent.objects.exists()


def test_an_operators_mistake_exits_1_with_one_line_from_a_fresh_process(tmp_path):
    # A real `kindred` process, as an operator runs it; the slug is refused before any table is
    # read, so the empty database needs no migrating.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kindred.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "kindred.cli", "network", "create", "Leeds!", "--name", "Leeds"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "kindred: 'Leeds!' is not a slug: use lower-case letters, digits and single hyphens, at "
        "most 50 characters, like leeds-maecare"
    ]
