"""Writes to volunteer records, by subject. Every change goes through one of these modules, is
audited, and refuses bad input with a `VolunteerError` (a `DomainError`) whose message can be
shown as it is:

    recruitment  enquiries, invitations, volunteers added, moves along the pipeline
    profile      details, availability, the linked sign-in and support record, the peer journey
    checks       DBS checks and training (for one volunteer, or a group at one course)
    references   references asked for and received, which recruitment counts
    roles        roles and what they ask for
    hours        the hours ledger and what an hour is worth
    expenses     claims and payments
    support      supervision, check-ins and requests for support

Volunteers' own code imports from those modules. This package re-exports only the names other
apps use, so that `kindred.volunteers.services.<name>` keeps working for them; each says who.
"""

from kindred.volunteers.errors import VolunteerError  # relationships.views
from kindred.volunteers.services.checks import (
    dbs_check_record,  # nonprod.demo_volunteers
    training_record,  # nonprod.demo_volunteers; relationships' tests
)
from kindred.volunteers.services.expenses import expense_claim  # the volunteer browser journey
from kindred.volunteers.services.hours import hours_record  # relationships.services; nonprod
from kindred.volunteers.services.profile import (
    availability_set,  # nonprod.demo_volunteers
    person_volunteer_links_held,  # registered with people.merging by volunteers.apps
    person_volunteer_links_move,  # registered with people.merging by volunteers.apps
)
from kindred.volunteers.services.recruitment import (
    ENQUIRIES_PER_ADDRESS_PER_HOUR,  # config's tests (the limit behind a proxy)
    RECRUITMENT,  # nonprod.demo_volunteers
    volunteer_create,  # nonprod.demo_volunteers
    volunteer_move,  # nonprod.demo_volunteers
)
from kindred.volunteers.services.references import (
    reference_receive,  # nonprod.demo_volunteers
    reference_request,  # nonprod.demo_volunteers
)
from kindred.volunteers.services.roles import (
    role_assign,  # nonprod.demo_volunteers; relationships' tests
    standard_roles_ensure,  # nonprod; relationships' tests; the volunteer browser journey
)
from kindred.volunteers.services.support import (
    supervision_record,  # nonprod.demo_volunteers
    support_request,  # relationships.views (a supporter asks for support); nonprod
    wellbeing_check_in,  # nonprod.demo_volunteers; the volunteer browser journey
)

__all__ = [
    "ENQUIRIES_PER_ADDRESS_PER_HOUR",
    "RECRUITMENT",
    "VolunteerError",
    "availability_set",
    "dbs_check_record",
    "expense_claim",
    "hours_record",
    "person_volunteer_links_held",
    "person_volunteer_links_move",
    "reference_receive",
    "reference_request",
    "role_assign",
    "standard_roles_ensure",
    "supervision_record",
    "support_request",
    "training_record",
    "volunteer_create",
    "volunteer_move",
    "wellbeing_check_in",
]
