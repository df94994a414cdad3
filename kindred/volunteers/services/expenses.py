"""Expenses: a volunteer claims what they spent; a coordinator marks it paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kindred.core.services import Acting, audit_record
from kindred.volunteers.audit_actions import VOLUNTEER_EXPENSE_CLAIMED, VOLUNTEER_EXPENSE_PAID
from kindred.volunteers.errors import VolunteerError
from kindred.volunteers.models import Expense, Volunteer


@transaction.atomic
def expense_claim(
    *, by: Acting, volunteer: Volunteer, spent_on: dt.date, amount: Decimal, description: str
) -> Expense:
    if amount <= 0:
        raise VolunteerError("Enter an amount more than £0")
    if amount > Decimal("1000"):
        raise VolunteerError("Enter an amount of £1,000 or less, or talk to your coordinator")
    if spent_on > timezone.localdate():
        raise VolunteerError("The date must be today or in the past")
    if not description.strip():
        raise VolunteerError("Enter what the expense was for")
    expense = Expense.objects.create(
        organisation=volunteer.organisation,
        volunteer=volunteer,
        spent_on=spent_on,
        amount=amount,
        description=description.strip()[:200],
    )
    audit_record(by=by, action=VOLUNTEER_EXPENSE_CLAIMED, target=volunteer)
    return expense


@transaction.atomic
def expense_mark_paid(*, by: Acting, expense: Expense) -> Expense:
    """A coordinator has paid a claim. Paying twice changes nothing."""
    locked = Expense.objects.select_for_update().get(pk=expense.pk)
    if locked.status != Expense.Status.PAID:
        locked.status = Expense.Status.PAID
        locked.save(update_fields=["status", "updated_at"])
        audit_record(by=by, action=VOLUNTEER_EXPENSE_PAID, target=locked.volunteer)
    return locked
