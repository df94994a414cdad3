"""API tokens with scopes (ADR-119): what each kind of token may hold, made from the service,
from `kindred token create` and from the token page; and the move from the FHIR app, which keeps
every token and every referral's link to the token that sent it."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kindred.accounts import api_tokens
from kindred.accounts.models import EVERY_SCOPE, ApiToken, Role, Scope
from kindred.accounts.reach import operator
from kindred.accounts.services import TokenError, api_token_authenticate, api_token_create
from kindred.cli import build_parser
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.referrals.models import Referral
from kindred.referrals.tests.factories import ReferralFactory

ALL = sorted(EVERY_SCOPE)


def make(organisation, **options):
    return api_token_create(by=Acting.system("test", organisation=organisation), **options)


def test_an_organisations_token_without_scopes_may_do_everything(organisation):
    record, raw = make(organisation, name="Switchboard")
    assert record.scopes == ALL
    assert all(record.has_scope(scope) for scope in Scope)
    assert api_token_authenticate(raw=raw) == record


def test_scopes_narrow_an_organisations_token(organisation):
    record, _raw = make(organisation, name="SMS", scopes=["support-requests:write"])
    assert record.scopes == ["support-requests:write"]
    assert not record.has_scope(Scope.REFERRALS_WRITE)
    assert not record.has_scope(Scope.SUPPORT_REQUESTS_READ)


def test_a_gp_practices_token_only_sends_referrals(organisation):
    record, _raw = make(organisation, name="EMIS", practice_ods="p88015")
    assert (record.practice_ods, record.scopes) == ("P88015", ["referrals:write"])
    same, _raw = make(
        organisation, name="EMIS 2", practice_ods="P88015", scopes=["referrals:write"]
    )
    assert same.scopes == ["referrals:write"]
    with pytest.raises(TokenError, match="GP practice's token can only send referrals"):
        make(organisation, name="x", practice_ods="P88015", scopes=["support-requests:read"])


def test_a_networks_token_only_sends_referrals(organisation):
    record, _raw = api_token_create(
        by=operator("test"), name="Front door", network=organisation.network
    )
    assert record.scopes == ["referrals:write"]
    with pytest.raises(TokenError, match="network's token can only send referrals"):
        api_token_create(
            by=operator("test"),
            name="x",
            network=organisation.network,
            scopes=["support-requests:write"],
        )


@pytest.mark.parametrize("scopes", [[], ["referrals:read"], ["support-requests:write", "nope"]])
def test_no_scope_or_an_unknown_one_is_refused_and_nothing_is_made(organisation, scopes):
    with pytest.raises(TokenError):
        make(organisation, name="x", scopes=scopes)
    assert not ApiToken.objects.exists()


def test_making_a_token_is_audited_with_its_scopes(organisation):
    record, _raw = make(organisation, name="SMS", scopes=["support-requests:write"])
    entry = AuditEvent.objects.get(action="api_token.created")
    assert entry.target_type == "accounts.apitoken" and entry.target_id == str(record.pk)
    assert entry.detail["scopes"] == ["support-requests:write"]


def test_kindred_token_create_takes_repeated_scopes(organisation, capsys):
    args = build_parser().parse_args(
        ["token", "create", "--organisation", "crafty-needles", "--name", "SMS",
         "--scope", "support-requests:write", "--scope", "support-requests:read"]
    )  # fmt: skip
    assert args.scope == ["support-requests:write", "support-requests:read"]
    call_command(
        "api_token", "create", "--organisation", organisation.slug, "--name", "SMS",
        "--scope", "support-requests:write", "--scope", "support-requests:read",
    )  # fmt: skip
    captured = capsys.readouterr()
    record = ApiToken.objects.get()
    assert record.scopes == ["support-requests:read", "support-requests:write"]
    assert "support-requests:read, support-requests:write" in captured.err
    assert api_token_authenticate(raw=captured.out.strip()) == record


def test_kindred_token_create_without_scope_gives_every_scope(organisation, capsys):
    call_command("api_token", "create", "--organisation", organisation.slug, "--name", "All")
    assert ApiToken.objects.get().scopes == ALL


def test_kindred_token_create_refuses_a_practice_token_with_more(organisation):
    with pytest.raises(CommandError, match="can only send referrals"):
        call_command(
            "api_token", "create", "--organisation", organisation.slug, "--name", "EMIS",
            "--practice", "P88015", "--scope", "support-requests:write",
        )  # fmt: skip
    assert not ApiToken.objects.exists()


def test_the_token_page_makes_tokens_with_the_scopes_ticked(client_as):
    client = client_as(Role.COORDINATOR)
    page = client.get("/api-tokens/").content.decode()
    assert page.count('name="scopes"') == len(Scope) and "checked" in page
    client.post("/api-tokens/", {"name": "SMS", "scopes": ["support-requests:write"]})
    assert ApiToken.objects.get(name="SMS").scopes == ["support-requests:write"]
    refused = client.post(
        "/api-tokens/",
        {"name": "EMIS", "practice_ods": "P88015", "scopes": ["support-requests:read"]},
    ).content.decode()
    assert "A GP practice&#39;s token can only send referrals" in refused
    nothing = client.post("/api-tokens/", {"name": "None ticked"}).content.decode()
    assert "Choose at least one thing the token may do" in nothing
    assert set(ApiToken.objects.values_list("name", flat=True)) == {"SMS"}
    listed = client.get("/api-tokens/").content.decode()
    assert "Send crisis support requests" in listed


def _hex(value: uuid.UUID) -> str:
    return value.hex if connection.vendor == "sqlite" else str(value)


@pytest.mark.django_db(transaction=True)
def test_tokens_move_from_fhir_with_nothing_lost_and_keep_sending_referrals(organisation):
    """Back to before the move (the table was fhir_apitoken, with no scopes), a token made then
    and a referral it sent; forward again: the same token, the same link, referrals:write."""
    executor = MigrationExecutor(connection)
    token_id, raw = uuid.uuid4(), api_tokens.make_token()
    try:
        executor.migrate([("accounts", "0007_duty_professional_role")])
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO fhir_apitoken (id, created_at, updated_at, organisation_id, "
                "network_id, name, practice_ods, prefix, token_hash, created_by_id, revoked_at, "
                "last_used_at) VALUES (%s, %s, %s, %s, NULL, %s, %s, %s, %s, NULL, NULL, NULL)",
                [_hex(token_id), now, now, _hex(organisation.pk), "Old EMIS", "P88015",
                 api_tokens.display_prefix(raw), api_tokens.token_hash(raw)],
            )  # fmt: skip
    finally:
        call_command("migrate", verbosity=0)
    record = ApiToken.objects.get(pk=token_id)
    assert (record.organisation, record.name, record.practice_ods) == (
        organisation,
        "Old EMIS",
        "P88015",
    )
    assert record.scopes == ["referrals:write"]  # what a FHIR token could do; nothing more
    assert api_token_authenticate(raw=raw) == record
    referral = ReferralFactory(organisation=organisation, api_token=record)
    assert Referral.objects.get(pk=referral.pk).api_token == record
    assert ApiToken._meta.db_table == "accounts_apitoken"
