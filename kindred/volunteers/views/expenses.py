"""Expenses page: the claims waiting to be paid, and marking one paid."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.volunteers import selectors
from kindred.volunteers.models import Expense
from kindred.volunteers.services.expenses import expense_mark_paid


@permission("volunteers.manage_volunteer")
def expenses(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "POST":
        try:
            expense = selectors.expense_of(
                organisation=organisation, expense_id=uuid.UUID(request.POST.get("paid", ""))
            )
        except (ValueError, Expense.DoesNotExist) as missing:
            raise Http404("No such expense") from missing
        expense_mark_paid(by=Acting.from_request(request), expense=expense)
        messages.success(
            request, f"£{expense.amount} to {expense.volunteer.display_name} is marked as paid"
        )
        return redirect("volunteers:expenses")
    to_pay = list(selectors.expenses_to_pay(organisation=organisation))
    return render(request, "volunteers/expenses.jinja", {"to_pay": to_pay})
