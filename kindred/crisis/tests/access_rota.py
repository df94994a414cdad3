"""Who may use the crisis line's rota routes (see kindred/crisis/tests/access.py)."""

import datetime as dt

from django.utils import timezone

from kindred.accounts.models import Role
from kindred.crisis.tests.factories import ShiftFactory, assign, crisis_supporter, local

COORDINATOR = {Role.COORDINATOR}
SEES_ROTA = {Role.COORDINATOR, Role.DUTY_PROFESSIONAL, Role.VOLUNTEER}
SUPPORTER = {Role.VOLUNTEER}

ROUTES = {
    "crisis:rota": SEES_ROTA,
    "crisis:rota_create": COORDINATOR,
    "crisis:rota_settings": COORDINATOR,
    "crisis:rota_patterns": COORDINATOR,
    "crisis:rota_detail": SEES_ROTA,
    "crisis:rota_build": COORDINATOR,
    "crisis:shift_add": COORDINATOR,
    "crisis:shift": COORDINATOR,
    "crisis:my_shifts": SUPPORTER,
    "crisis:my_shift_availability": SUPPORTER,
}
POST_ONLY: set[str] = set()

# A supporter on the sample shift: if their name shows to another organisation's user, it leaked.
SECRET = "Philippa Quarrendon"


def url_kwargs(organisation):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    shift = ShiftFactory(
        organisation=organisation, starts_at=local(tomorrow, "18:00"),
        ends_at=local(tomorrow + dt.timedelta(days=1), "08:00"),
    )  # fmt: skip
    assign(shift, [crisis_supporter(organisation, given_name="Philippa", family_name="Quarrendon")])
    return {"rota_id": shift.rota_id, "shift_id": shift.pk}
