"""Reads of outcomes. Every query of people's answers starts from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from kindred.accounts.models import Organisation
from kindred.outcomes import economics
from kindred.outcomes.models import (
    Collection,
    CollectionStatus,
    CostItem,
    OutcomeSettings,
    ServiceCost,
    UnitCost,
)

#: What an organisation asks until it chooses: wellbeing, loneliness (UCLA-3 with the ONS
#: direct question it is asked with), and PHQ-9 so that low mood (and item 9) is noticed;
#: follow-ups at 3, 6 and 12 months.
DEFAULT_MEASURES = ("swemwbs", "ucla3", "ons_lonely", "phq9")
DEFAULT_FOLLOW_UPS = (3, 6, 12)


def settings_of(*, organisation: Organisation) -> OutcomeSettings:
    """The organisation's settings, or the defaults (unsaved) when it has chosen none."""
    found = OutcomeSettings.objects.filter(organisation=organisation).first()
    if found is not None:
        return found
    return OutcomeSettings(
        organisation=organisation,
        measures=list(DEFAULT_MEASURES),
        follow_up_months=list(DEFAULT_FOLLOW_UPS),
    )


def collections_due(
    *, organisation: Organisation, on: dt.date, limit: int = 50
) -> QuerySet[Collection]:
    """Time points due on or before `on` and not yet recorded, oldest first."""
    return (
        organisation.outcome_collections.filter(status=CollectionStatus.DUE, due_on__lte=on)
        .select_related("person")
        .order_by("due_on", "pk")[:limit]
    )


def collection_of(*, organisation: Organisation, collection_id: uuid.UUID) -> Collection:
    return organisation.outcome_collections.select_related("person", "referral").get(
        pk=collection_id
    )


def collections_of_person(*, organisation: Organisation, person_id: uuid.UUID) -> list[Collection]:
    return list(
        organisation.outcome_collections.filter(person_id=person_id)
        .prefetch_related("responses")
        .order_by("due_on", "time_point")
    )


@dataclass(frozen=True)
class DefaultCost:
    item: str
    value: Decimal
    year: str
    source: str


def default_unit_costs() -> list[DefaultCost]:
    """The published defaults the economics module holds, for the items Kindred prices."""
    return [
        DefaultCost(
            item=default.kind,
            value=Decimal(default.value),
            year=default.year,
            source=default.source,
        )
        for default in economics.DEFAULT_UNIT_COSTS
        if default.kind in CostItem.values
    ]


def unit_costs_of(*, organisation: Organisation) -> QuerySet[UnitCost]:
    return organisation.unit_costs.order_by("item")


def service_costs_of(*, organisation: Organisation) -> QuerySet[ServiceCost]:
    return organisation.service_costs.order_by("-starts_on", "kind")


def collections_due_count(*, organisation: Organisation, on: dt.date) -> int:
    return organisation.outcome_collections.filter(
        status=CollectionStatus.DUE, due_on__lte=on
    ).count()
