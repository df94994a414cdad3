"""Demo groups: the report's groups with a few weeks of attendance, through the services, and
seeding again changes nothing."""

from django.utils import timezone

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from kindred.groups import schedule
from kindred.groups.models import Group, GroupRegular, MissingPrompt, NamedAttendance, Session
from kindred.nonprod.demo_groups import seed_groups
from kindred.people.tests.factories import PersonFactory


def _counts():
    return (Group.objects.count(), Session.objects.count(), NamedAttendance.objects.count())


def test_the_reports_groups_with_attendance_and_seeding_again_changes_nothing(db):
    for slug in ("stockport-wellbeing", "leeds-maecare"):
        organisation = OrganisationFactory(slug=slug)
        for role in (Role.COORDINATOR, Role.FACILITATOR):
            MembershipFactory(user=UserFactory(), organisation=organisation, role=role)
        PersonFactory.create_batch(70, organisation=organisation)
    seed_groups(log=lambda _: None)

    groups = {g.name: g for g in Group.objects.select_related("venue", "organisation")}
    assert set(groups) == {
        "Crafty Needles", "Thursday SUN group", "MAEcare stroke club", "Roundhay walking club",
        "Chair yoga", "Men's shed planning group",
    }  # fmt: skip
    knitting, sun, stroke = (
        groups[n] for n in ("Crafty Needles", "Thursday SUN group", "MAEcare stroke club")
    )
    assert knitting.joining == "open_door" and knitting.organisation.slug == "stockport-wellbeing"
    assert schedule.describe(knitting.rule, knitting.first_on) == "Every Tuesday"
    assert (sun.capacity, sun.joining) == (15, "by_referral")
    assert {f.kind for f in sun.facilitators.all()} == {"peer_leader", "professional"}
    assert stroke.rule == "FREQ=MONTHLY;BYDAY=2TH,4TH" and stroke.carers_welcome
    assert (stroke.starts.hour, stroke.ends.hour, stroke.venue.postcode[:3]) == (14, 16, "LS8")
    assert [g.name for g in groups.values() if not g.published] == ["Men's shed planning group"]

    held = Session.objects.filter(status="held", group=knitting)
    assert held.count() >= 4 and all(s.starts_at < timezone.now() for s in held)
    assert sum(s.headcount for s in held) > 0
    assert GroupRegular.objects.filter(group=knitting).count() >= 3
    assert NamedAttendance.objects.filter(session__group=knitting).exists()
    assert Session.objects.filter(group=knitting, status="cancelled").count() == 1
    assert Session.objects.filter(group=knitting, starts_at__gt=timezone.now()).count() >= 8

    # Part 2: a regular on the safety net who stopped coming, and the SUN group's waiting list.
    (prompt,) = MissingPrompt.objects.filter(group=knitting, status="open")
    assert prompt.regular is not None and prompt.missed == 3
    waiting = {p.status for p in sun.waiting.all()}
    assert waiting == {"offered", "waiting"}
    assert sun.members.filter(left_on__isnull=False).count() == 1

    before = _counts()
    seed_groups(log=lambda _: None)
    assert _counts() == before
