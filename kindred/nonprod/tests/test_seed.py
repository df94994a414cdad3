from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from kindred.accounts.models import Membership, Organisation, Role, User
from kindred.core.models import AuditEvent
from kindred.crisis.models.rota import ShiftAssignment
from kindred.groups.models import NamedAttendance, Session
from kindred.matching.models import SupporterProfile, WaitingProfile
from kindred.nonprod.constants import DEMO_PASSWORD
from kindred.nonprod.demo import sign_ins
from kindred.nonprod.scale import sign_in_email
from kindred.notifications.models import Notification
from kindred.outcomes import measures
from kindred.outcomes.models import HealthcareUse, StoredReport
from kindred.people.identifiers import lookup
from kindred.people.models import Person
from kindred.referrals.models import Referral
from kindred.referrals.models import Status as ReferralStatus
from kindred.relationships.models import Contact
from kindred.safeguarding.models import Arrangements
from kindred.safeguarding.models import Status as ConcernStatus
from kindred.volunteers.models import DbsCheck, Stage, TrainingRecord


def test_demo_data_is_a_believable_network_and_seeding_twice_changes_nothing(db):
    call_command("seed", "demo", verbosity=0)
    counts = (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed", "demo", verbosity=0)
    assert (
        Organisation.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts

    assert Organisation.objects.count() == 3
    assert {o.network.slug for o in Organisation.objects.all() if o.network} == {
        "people-helping-people"
    }
    assert not Organisation.objects.filter(network=None).exists()
    assert Person.objects.count() == 300
    volunteers = User.objects.filter(memberships__role=Role.VOLUNTEER).distinct().count()
    assert 35 <= volunteers <= 45
    sample = Person.objects.order_by("?")[:5]
    assert all(lookup(p.postcode).easting == p.easting for p in sample)


def test_every_demo_sign_in_works(db):
    call_command("seed", "demo", verbosity=0)
    roles = set()
    for role, email, _ in sign_ins():
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email
        roles.add(role)
    assert roles == {r.label for r in Role}


SMALL = [
    "--people=400",
    "--referrals=300",
    "--volunteers=30",
    "--relationships=90",
    "--contacts=3",
    "--organisations=3",
    "--smaller-share=0.5",
]


def _fingerprint(slug: str = "scale-1-city") -> list[tuple[object, ...]]:
    return sorted(
        Referral.objects.filter(organisation__slug=slug).values_list(
            "id", "status", "person__family_name", "first_contact_due"
        )
    )


def test_scale_data_fills_every_app_with_the_sizes_asked_for(db):
    call_command("seed", "scale", *SMALL, verbosity=0)
    city = Organisation.objects.get(slug="scale-1-city")
    smaller = Organisation.objects.filter(network=city.network).exclude(pk=city.pk)
    assert [o.people.count() for o in smaller] == [200, 200]
    assert city.people.count() == 400
    assert city.referrals.count() == 300
    # Referrals in every state, each with its history from "received" to where it is now.
    assert set(city.referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    for referral in city.referrals.prefetch_related("history"):
        steps = [e.to_state for e in sorted(referral.history.all(), key=lambda e: e.occurred_at)]
        assert steps[0] == "received" and steps[-1] == referral.status
    joined = city.referrals.filter(status="joined")
    assert all(r.joined_to and r.joined_to.person_id == r.person_id for r in joined)
    assert WaitingProfile.objects.filter(referral__status="waiting").count() == (
        WaitingProfile.objects.count()
    )
    # Active befrienders with a sign-in, a DBS check (encrypted, read back whole), training for
    # each course their role needs and a matching profile; a tenth as many still recruiting.
    active = city.volunteers.filter(stage=Stage.ACTIVE)
    assert active.count() == 30
    assert city.volunteers.exclude(stage=Stage.ACTIVE).count() == 3
    check = DbsCheck.objects.filter(organisation=city).first()
    assert check is not None and check.certificate_number.endswith(check.certificate_last_digits)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT certificate_number FROM {DbsCheck._meta.db_table} WHERE id = %s",  # noqa: S608
            [check.pk.hex if connection.vendor == "sqlite" else check.pk],
        )
        (stored,) = cursor.fetchone()
    assert stored and check.certificate_number not in stored
    befriender = city.volunteering_roles.get(kind="befriender")
    assert TrainingRecord.objects.filter(organisation=city).count() == (
        30 * befriender.courses.count()
    )
    assert SupporterProfile.objects.filter(organisation=city).count() == 30
    assert all(v.user_id for v in active)
    # Relationships from started (open) and closed (ended) referrals, with supporters, history
    # and contacts; the supporter sign-in supports some of them.
    assert city.relationships.count() == 90
    assert city.relationships.filter(status="ended").count() == 54
    for relationship in city.relationships.all():
        assert relationship.referral is not None
        assert relationship.referral.status == (
            "closed" if relationship.status == "ended" else "started"
        )
    assert Contact.objects.filter(organisation=city).exists()
    supporter = User.objects.get(email=sign_in_email("supporter", city.slug))
    assert supporter.check_password(DEMO_PASSWORD)
    assert city.relationships.filter(supporters__user=supporter).count() >= 5
    coordinator = User.objects.get(email=sign_in_email("coordinator", city.slug))
    assert coordinator.memberships.get().role == Role.COORDINATOR
    commissioner = User.objects.get(email=sign_in_email("commissioner", "scale-1"))
    assert commissioner.memberships.get().network == city.network
    # The bulk rows are one audit entry per organisation, in its chain.
    assert AuditEvent.objects.filter(organisation=city, action="scale_data.seeded").count() == 1


def test_scale_data_fills_the_later_apps(db):
    """Groups, safeguarding, the crisis line, outcomes and messages (ADR-129), each consistent
    with its app's rules: histories from the first state to the current one, attendance only at
    held sessions, answers scored as the measures module scores them."""
    call_command("seed", "scale", *SMALL, "--organisations=1", verbosity=0)
    city = Organisation.objects.get(slug="scale-1-city")
    today = timezone.localdate()
    # Groups: one by referral (full, with a waiting list), sessions from the past to the weeks
    # ahead; attendance only at held sessions, of members who had joined by then.
    groups = list(city.peer_groups.all())
    assert len(groups) == 2 and {g.joining for g in groups} == {"open_door", "by_referral"}
    sessions = Session.objects.filter(group__in=groups)
    assert sessions.filter(starts_at__date__gt=today, status="scheduled").exists()
    assert sessions.filter(status="held").exists() and sessions.filter(status="cancelled").exists()
    named = NamedAttendance.objects.filter(session__group__in=groups).select_related(
        "session", "member"
    )
    assert named and all(n.session.status == "held" for n in named)
    assert all(n.member.joined_on <= n.session.starts_at.date() for n in named)
    for session in sessions.exclude(status="scheduled").prefetch_related("history"):
        assert [h.to_state for h in session.history.all()] == [session.status]
    full = next(g for g in groups if g.joining == "by_referral")
    assert full.members.filter(left_on__isnull=True).count() == full.capacity
    assert full.waiting.filter(status="waiting").count() >= 1
    assert full.waiting.filter(status="offered").count() == 1
    facilitator = User.objects.get(email=sign_in_email("facilitator", city.slug))
    assert facilitator.memberships.get().role == Role.FACILITATOR
    assert city.peer_groups.filter(facilitators__user=facilitator).exists()
    # Safeguarding: concerns in every state, each history from "raised" to its state, each
    # timeline opening with the lead told; the arrangements name the lead.
    concerns = city.concerns.prefetch_related("history", "timeline")
    assert {c.status for c in concerns} == set(ConcernStatus.values)
    for concern in concerns:
        steps = [h.to_state for h in sorted(concern.history.all(), key=lambda h: h.occurred_at)]
        assert steps[0] == "raised" and steps[-1] == concern.status
        first = min(concern.timeline.all(), key=lambda e: e.occurred_at)
        assert first.kind == "told"
        assert (concern.closed_at is not None) == (concern.status == "closed")
    lead = User.objects.get(email=sign_in_email("lead", city.slug))
    assert Arrangements.objects.get(organisation=city).lead == lead
    # The crisis line: shift patterns, a built rota for each month with its shifts and
    # supporters; support requests waiting, taken and closed (names encrypted, read back).
    assert city.shift_patterns.count() == 14
    assert city.rotas.filter(build="built").count() == 14
    assert ShiftAssignment.objects.filter(shift__organisation=city).exists()
    requests = list(city.support_requests.all())
    assert {r.status for r in requests} == {"waiting", "accepted", "closed"}
    assert all(r.name for r in requests)
    # Outcomes: baselines and follow-ups; every completed one answered for each measure asked,
    # scored as the measures module scores; healthcare use beside most.
    collections = city.outcome_collections.all()
    assert set(collections.values_list("time_point", flat=True)) >= {"baseline", "m3"}
    completed = collections.filter(status="completed").prefetch_related("responses")
    assert completed
    for collection in completed:
        assert sorted(r.measure for r in collection.responses.all()) == sorted(collection.measures)
        for response in collection.responses.all():
            assert response.raw == measures.score(response.measure, response.answers).raw
    assert HealthcareUse.objects.filter(organisation=city).exists()
    assert not collections.filter(status="due", due_on__gt=today).exclude(closed_at=None).exists()
    # This quarter's report of the organisation, kept as the worker keeps it.
    assert StoredReport.objects.filter(content__isnull=False).count() == 2
    assert Notification.objects.filter(organisation=city).count() == 150


class _Undo(Exception):
    """Rolls a seeding back, so that the same seed can be tried again."""


def test_scale_data_is_the_same_for_the_same_seed_and_a_seed_is_used_once(db):
    prints = []
    for _ in range(2):
        with pytest.raises(_Undo), transaction.atomic():
            call_command("seed", "scale", *SMALL, "--organisations=1", verbosity=0)
            prints.append(_fingerprint())
            raise _Undo
    assert prints[0] == prints[1] and len(prints[0]) == 300
    call_command("seed", "scale", *SMALL, "--organisations=1", verbosity=0)
    with pytest.raises(CommandError, match="already here"):
        call_command("seed", "scale", *SMALL, "--organisations=1", verbosity=0)
    call_command("seed", "scale", *SMALL, "--organisations=1", "--seed=2", verbosity=0)
    second = _fingerprint("scale-2-city")
    assert len(second) == 300 and second != prints[0]


def test_scale_options_that_cannot_fit_together_are_refused(db):
    with pytest.raises(CommandError, match="relationships need as many referrals"):
        call_command("seed", "scale", "--referrals=10", "--relationships=20", verbosity=0)
    with pytest.raises(CommandError, match="organisations must be 1 or more"):
        call_command("seed", "scale", "--organisations=0", verbosity=0)
    assert not Organisation.objects.exists()


def test_the_demo_lists_its_public_pages_and_they_open_without_signing_in(db, client, capsys):
    call_command("seed", "demo", verbosity=0)
    call_command("demo_sign_ins", "--base-url", "http://127.0.0.1:8000")
    printed = capsys.readouterr().out
    public = [
        word
        for word in printed.split()
        if word.startswith("http://127.0.0.1:8000/") and "/fhir/" not in word
    ]
    assert len(public) >= 3 and any("/network/" in address for address in public)
    assert any("/crisis/ask/" in a for a in public) and any("/directory/" in a for a in public)
    for address in public:
        assert client.get(address.removeprefix("http://127.0.0.1:8000")).status_code == 200
    # The sign-ins come after the public pages: the last thing printed before the address
    assert printed.rindex("Demo sign-ins") > printed.rindex("refer yourself")
