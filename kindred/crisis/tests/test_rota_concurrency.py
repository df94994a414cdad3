"""Two supporters take the same offered shift at the same moment, in real threads with their own
connections: the row lock lets one win and the other is told, and the shift has one place moved,
not two. Needs PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.core.tests.concurrency import at_once
from kindred.crisis import rota_services
from kindred.crisis.models.rota import ShiftSwap
from kindred.crisis.tests.factories import ShiftFactory, assign, crisis_supporter, local

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_the_first_to_take_an_offered_shift_wins(organisation, make_user, coordinator):
    shift = ShiftFactory(
        organisation=organisation,
        starts_at=local(timezone.localdate() + dt.timedelta(days=2), "18:00"),
    )
    ann, bob, cat = (crisis_supporter(organisation) for _ in range(3))
    assign(shift, [ann])
    users = [make_user(Role.VOLUNTEER, organisation=organisation) for _ in range(3)]
    swap = rota_services.swap_offer(by=Acting(users[0], organisation), volunteer=ann, shift=shift)

    won, refused = at_once(
        lambda: rota_services.swap_take(by=Acting(users[1], organisation), volunteer=bob, swap_id=swap.pk),
        lambda: rota_services.swap_take(by=Acting(users[2], organisation), volunteer=cat, swap_id=swap.pk),
    )  # fmt: skip
    assert len(won) == 1 and len(refused) == 1
    assert "already been taken" in refused[0]
    on_shift = list(shift.assignments.values_list("volunteer", flat=True))
    assert len(on_shift) == 1 and on_shift[0] in {bob.pk, cat.pk}
    assert ShiftSwap.objects.get(pk=swap.pk).taken_by_id == on_shift[0]
