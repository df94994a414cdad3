"""`kindred token create` prints a working token once; only its hash is kept."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kindred.accounts.models import ApiToken
from kindred.cli import build_parser
from kindred.fhir.tests.conftest import EXAMPLE


def test_the_token_subcommand_is_wired_to_the_management_command():
    args = build_parser().parse_args(
        ["token", "create", "--organisation", "crafty-needles", "--name", "EMIS"]
    )
    assert (args.action, args.organisation, args.name, args.practice) == (
        "create",
        "crafty-needles",
        "EMIS",
        "",
    )


def test_token_create_prints_a_token_that_works(organisation, capsys):
    call_command(
        "api_token",
        "create",
        "--organisation",
        organisation.slug,
        "--name",
        "EMIS",
        "--practice",
        "p88015",
    )
    captured = capsys.readouterr()
    raw = captured.out.strip()
    assert raw.startswith("kindred_") and "not shown again" in captured.err
    record = ApiToken.objects.get()
    assert (record.organisation, record.name, record.practice_ods) == (
        organisation,
        "EMIS",
        "P88015",
    )
    assert raw not in (record.token_hash, record.prefix)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/fhir/ServiceRequest", EXAMPLE.read_bytes(), content_type="application/fhir+json"
    )
    assert response.status_code == 201


def test_an_unknown_organisation_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no organisation with the slug 'nope'"):
        call_command("api_token", "create", "--organisation", "nope", "--name", "x")
