from __future__ import annotations

from django.core.management import call_command

from kindred.accounts.models import Membership, Organisation, Role, User
from kindred.nonprod.constants import DEMO_PASSWORD
from kindred.nonprod.demo import sign_ins
from kindred.people.identifiers import lookup
from kindred.people.models import Person


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
    assert {o.network.slug for o in Organisation.objects.all()} == {"people-helping-people"}
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


def test_scale_data_is_bulk_inserted_with_the_counts_asked_for(db):
    call_command(
        "seed", "scale", "--people=1200", "--volunteers=150", "--organisations=4", verbosity=0
    )
    assert Person.objects.count() == 1200
    assert Membership.objects.filter(role=Role.VOLUNTEER).count() == 150
    per_organisation = sorted(o.people.count() for o in Organisation.objects.all())
    assert per_organisation == [300, 300, 300, 300]
