"""`kindred match --organisation SLUG [--dry-run]` prints proposals and never accepts them."""

import io

import pytest
from django.core.management import CommandError, call_command

from kindred.cli import build_parser, cmd_match
from kindred.core.models import AuditEvent
from kindred.matching.models import Match
from kindred.matching.tests.factories import SupporterProfileFactory, WaitingProfileFactory
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(organisation):
    role = RoleFactory(organisation=organisation, dbs_level="basic")
    volunteer = SupporterProfileFactory(
        volunteer__organisation=organisation, volunteer__given_name="Sam"
    ).volunteer
    volunteer.roles.add(role)
    DbsCheckFactory(volunteer=volunteer, level="basic")
    WaitingProfileFactory(referral__organisation=organisation, referral__person__given_name="Ada")


def run(*args):
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_proposals_with_why(organisation, pair):
    out = run("--organisation", organisation.slug, "--dry-run")
    assert "Ada" in out and "Sam" in out and "Both stroke survivors." in out
    assert "1 proposed, 0 without a supporter" in out
    assert not AuditEvent.objects.filter(action="match.proposed").exists()
    assert not Match.objects.exists()


def test_without_dry_run_proposals_are_recorded_never_accepted(organisation, pair):
    run("--organisation", organisation.slug)
    assert AuditEvent.objects.filter(action="match.proposed").count() == 1
    assert not Match.objects.exists()


def test_an_unknown_organisation_is_named(organisation):
    with pytest.raises(CommandError, match="No organisation with the slug 'nowhere'"):
        run("--organisation", "nowhere")


def test_the_kindred_cli_has_the_match_command(organisation, pair, capsys, monkeypatch):
    args = build_parser().parse_args(["match", "--organisation", organisation.slug, "--dry-run"])
    assert args.handler is cmd_match and args.dry_run
    monkeypatch.setattr("kindred.cli.check_database", lambda: None)
    cmd_match(args)
    assert "Both stroke survivors." in capsys.readouterr().out
