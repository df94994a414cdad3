"""Issue 10 item 6: each organisation's audit entries form a hash chain whose head is kept apart;
`kindred audit verify` catches entries removed, edited or reordered behind Kindred's back, and
says where (ADR-080)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kindred import cli
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.core import append_only, audit_chain
from kindred.core.models import AuditChainHead, AuditEvent
from kindred.core.services import Acting, audit_record

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="advisory locks and concurrent writers"
)


def write(by: Acting, n: int, action: str = "test.done") -> list[AuditEvent]:
    return [audit_record(by=by, action=action, detail={"n": i}) for i in range(1, n + 1)]


def verify(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`kindred audit verify ...` as the operator runs it: its exit code and what it printed."""
    code = cli.main(["audit", "verify", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def behind_kindreds_back(sql: str, params: list[Any]) -> None:
    """What someone with the database's owner role can do: take a trigger away, then change
    the log with plain SQL. (All of it rolls back with the test.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on the table
            cursor.execute('ALTER TABLE "core_auditevent" DISABLE TRIGGER ALL')
        else:
            cursor.execute('DROP TRIGGER "core_auditevent_no_update"')
            cursor.execute('DROP TRIGGER "core_auditevent_no_delete"')
        cursor.execute(sql, params)


def entry_id(entry: AuditEvent) -> Any:
    return entry.pk.hex if connection.vendor == "sqlite" else entry.pk


@pytest.fixture
def ours(organisation, coordinator) -> Acting:
    return Acting(coordinator, organisation, "192.0.2.10")


@pytest.fixture
def theirs(other_organisation, charlie) -> Acting:
    return Acting(charlie, other_organisation, "2001:db8::1")


@pytest.fixture
def logged(ours, theirs) -> dict[str, list[AuditEvent]]:
    """Five entries for each organisation, interleaved, and two with no organisation."""
    entries: dict[str, list[AuditEvent]] = {"ours": [], "theirs": [], "none": []}
    for i in range(5):
        entries["ours"] += write(ours, 1)
        entries["theirs"] += write(theirs, 1)
        if i < 2:
            entries["none"] += write(Acting.system("sign-in"), 1)
    return entries


def test_each_organisation_has_its_own_chain_and_head(logged, organisation, other_organisation):
    for key, organisation_id in (
        ("ours", organisation.pk),
        ("theirs", other_organisation.pk),
        ("none", None),
    ):
        chain = list(
            AuditEvent.objects.filter(pk__in=[e.pk for e in logged[key]]).order_by("sequence")
        )
        assert [e.sequence for e in chain] == list(range(1, len(chain) + 1))
        assert chain[0].previous_hash == audit_chain.GENESIS
        for before, after in itertools.pairwise(chain):
            assert after.previous_hash == before.entry_hash
            assert after.occurred_at >= before.occurred_at
        for entry in chain:  # the hash is over the stored fields, as read back
            assert audit_chain.link_hash(entry.previous_hash, entry) == entry.entry_hash
        head = AuditChainHead.objects.get(chain=audit_chain.chain_key(organisation_id))
        assert (head.sequence, head.entry_hash) == (chain[-1].sequence, chain[-1].entry_hash)


def test_verify_says_the_log_holds_and_exits_0(logged, capsys):
    code, out = verify(capsys=capsys)
    assert code == 0, out
    assert "The audit log holds: 3 chains, 12 entries" in out


def test_deleting_an_entry_in_the_middle_is_caught_and_named(logged, capsys):
    behind_kindreds_back("DELETE FROM core_auditevent WHERE id = %s", [entry_id(logged["ours"][2])])
    code, out = verify(capsys=capsys)
    assert code == 1
    assert "crafty-needles: broken at entry 3 (missing): entry 3 is missing" in out
    assert "(the chain goes from 2 to 4)" in out
    assert "1 of 3 audit chains is broken" in out
    assert "elsewhere" not in out and "no organisation" not in out  # theirs are unaffected
    assert "core_auditevent: the database does not refuse DELETE" in out  # and the trigger
    code, out = verify("--organisation", "elsewhere", capsys=capsys)
    assert "elsewhere" not in out and "is broken" not in out


def test_deleting_the_last_entries_is_caught_by_the_chain_head(logged, capsys):
    """Nothing in the log itself shows that the end is gone: the head kept apart does."""
    behind_kindreds_back(
        "DELETE FROM core_auditevent WHERE id IN (%s, %s)",
        [entry_id(logged["ours"][3]), entry_id(logged["ours"][4])],
    )
    code, out = verify(capsys=capsys)
    assert code == 1
    assert (
        "crafty-needles: broken at entry 4 (missing): entries 4 to 5 are missing from the end: "
        "the chain's head says entry 5 was written last, the log ends at entry 3"
    ) in out
    assert "elsewhere" not in out


def test_editing_an_entrys_detail_is_caught(logged, capsys):
    behind_kindreds_back(
        "UPDATE core_auditevent SET detail = %s WHERE id = %s",
        ['{"n": 99}', entry_id(logged["theirs"][1])],
    )
    code, out = verify(capsys=capsys)
    assert code == 1
    assert (
        "elsewhere: broken at entry 2 (edited): entry 2 was changed after it was written: "
        "its fields no longer match its hash"
    ) in out
    assert "crafty-needles" not in out


def test_swapping_two_entries_is_caught_as_out_of_order(logged, capsys):
    second, third = logged["ours"][1], logged["ours"][2]
    behind_kindreds_back(
        "UPDATE core_auditevent SET sequence = 1000000 WHERE id = %s", [entry_id(second)]
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET sequence = 2 WHERE id = %s", [entry_id(third)])
        cursor.execute("UPDATE core_auditevent SET sequence = 3 WHERE id = %s", [entry_id(second)])
    code, out = verify(capsys=capsys)
    assert code == 1
    assert (
        "crafty-needles: broken at entry 2 (reordered): entry 2 is out of order: it was written "
        "after entry 3, not after entry 1"
    ) in out


def test_rewriting_the_chain_head_is_caught(logged, capsys, organisation):
    AuditChainHead.objects.filter(chain=str(organisation.pk)).update(entry_hash="f" * 64)
    code, out = verify(capsys=capsys)
    assert code == 1
    assert "crafty-needles: broken at entry 5 (head mismatch)" in out


def test_verify_reports_a_missing_trigger_and_an_unknown_organisation(logged, capsys):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute('DROP TRIGGER "people_consent_no_delete" ON "people_consent"')
        else:
            cursor.execute('DROP TRIGGER "people_consent_no_delete"')
    code, out = verify(capsys=capsys)
    assert code == 1
    assert "people_consent: the database does not refuse DELETE" in out
    code, out = verify("--organisation", "nobody-by-this-name", capsys=capsys)
    assert code == 1 and "no organisation has the slug 'nobody-by-this-name'" in out


#: Surrogates cannot be encoded, and PostgreSQL's text holds no NUL.
SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
storable = st.characters(exclude_categories=SURROGATES, exclude_characters="\x00")
text = st.text(storable)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(storable),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(storable),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(detail=st.dictionaries(text, json_values, max_size=5))
@example(detail={"big": 5.690333368315265e16, "one": 1.0, "huge": 1e20, "small": 1.5e-07})
def test_the_hash_written_is_the_hash_read_back_whatever_the_detail(ours, detail):
    """The hash is over what the database hands back (jsonb reorders keys and rewrites
    numbers): no honest entry ever reads as edited."""
    entry = audit_record(by=ours, action="test.recorded", detail=detail)
    stored = AuditEvent.objects.get(pk=entry.pk)
    assert audit_chain.link_hash(stored.previous_hash, stored) == stored.entry_hash


@pytest.mark.django_db(transaction=True)
def test_entries_written_before_the_chain_are_numbered_in_the_order_they_happened(capsys):
    """An upgrade from before the chain, with 0002's old audit trigger in place: the data
    migration chains existing entries by occurred_at, then verify holds."""
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0001_initial")])
    executor.loader.build_graph()
    executor.migrate([("core", "0002_audit_log_append_only")])  # the old trigger, as deployed
    try:
        old_apps = executor.loader.project_state([("core", "0002_audit_log_append_only")]).apps
        Organisation = old_apps.get_model("accounts", "Organisation")
        OldEvent = old_apps.get_model("core", "AuditEvent")
        organisation = Organisation.objects.create(slug="old-times", name="Old Times")
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for day in (3, 1, 2):  # written out of order
            OldEvent.objects.create(
                occurred_at=start + dt.timedelta(days=day),
                actor_label="someone",
                organisation=organisation,
                action=f"old.day{day}",
                detail={"day": day},
            )
        OldEvent.objects.create(occurred_at=start, actor_label="system", action="old.system")
    finally:
        call_command("migrate", verbosity=0)
    chained = AuditEvent.objects.filter(organisation__slug="old-times").order_by("sequence")
    assert [(e.sequence, e.action) for e in chained] == [
        (1, "old.day1"),
        (2, "old.day2"),
        (3, "old.day3"),
    ]
    assert AuditEvent.objects.get(action="old.system").sequence == 1
    assert append_only.missing_triggers(connection) == []
    with connection.cursor() as cursor:  # 0002's trigger was replaced, not left beside
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = %s",
                [append_only.OLD_POSTGRES_TRIGGER],
            )
            assert cursor.fetchone() == (0,)
    code, out = verify(capsys=capsys)
    assert code == 0, out
    assert "2 chains, 4 entries" in out


# --- concurrency (PostgreSQL) --------------------------------------------------------------


def in_threads(jobs: Sequence[Callable[[], object]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            job()
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_to_one_organisation_keep_one_unbroken_chain(capsys):
    organisation = OrganisationFactory(slug="busy")
    other = OrganisationFactory(slug="quiet")
    by, by_other = Acting.system("bench", organisation), Acting.system("bench", other)
    errors = in_threads([lambda: write(by, 15) for _ in range(6)] + [lambda: write(by_other, 15)])
    assert errors == []
    sequences = list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 91))
    code, out = verify(capsys=capsys)
    assert code == 0, out


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_organisation_writing_does_not_hold_up_another():
    """While one transaction has written to A's chain and not yet committed, B's entries go
    straight in, and A's next writer waits for A's lock."""
    a, b = OrganisationFactory(slug="org-a"), OrganisationFactory(slug="org-b")
    holding, release = threading.Event(), threading.Event()
    timings: dict[str, float] = {}

    def hold_a() -> None:
        with transaction.atomic():
            audit_record(by=Acting.system("holder", a), action="test.held")
            holding.set()
            release.wait(timeout=30)

    def write_to(organisation: Any, name: str) -> Callable[[], None]:
        def job() -> None:
            holding.wait(timeout=30)
            started = time.monotonic()
            audit_record(by=Acting.system(name, organisation), action="test.repeated")
            timings[name] = time.monotonic() - started

        return job

    def then_close(job: Callable[[], None]) -> None:
        job()
        connections.close_all()

    threads = [
        threading.Thread(target=then_close, args=(j,))
        for j in (hold_a, write_to(b, "b"), write_to(a, "a"))
    ]
    for thread in threads:
        thread.start()
    holding.wait(timeout=30)
    deadline = time.monotonic() + 10
    while "b" not in timings and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)
    b_done_while_a_held, a_done_while_a_held = "b" in timings, "a" in timings
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert b_done_while_a_held and timings["b"] < 2
    assert not a_done_while_a_held and timings["a"] >= 0.5
    assert list(
        AuditEvent.objects.filter(organisation=a).order_by("sequence").values_list("action")
    ) == [("test.held",), ("test.repeated",)]
