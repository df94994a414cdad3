"""Who may use the volunteers app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC
from kindred.people.tests.factories import PersonFactory
from kindred.volunteers.models import Reference, SupportRequest
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory, VolunteerFactory

COORDINATOR = {Role.COORDINATOR}
SELF_SERVICE = {Role.VOLUNTEER, Role.FACILITATOR}

ROUTES = {
    "volunteers:enquire": PUBLIC,
    "volunteers:enquiry_sent": PUBLIC,
    "volunteers:board": COORDINATOR,
    "volunteers:list": COORDINATOR,
    "volunteers:list_export": COORDINATOR,
    "volunteers:add": COORDINATOR,
    "volunteers:roles": COORDINATOR,
    "volunteers:role": COORDINATOR,
    "volunteers:role_edit": {Role.COORDINATOR, Role.ORGANISATION_ADMIN},
    "volunteers:supervision": COORDINATOR,
    "volunteers:supervision_add": COORDINATOR,
    "volunteers:support_answer": COORDINATOR,
    "volunteers:value": {Role.COORDINATOR, Role.ORGANISATION_ADMIN},
    "volunteers:expenses": COORDINATOR,
    "volunteers:invite": COORDINATOR,
    "volunteers:detail": COORDINATOR,
    "volunteers:move": COORDINATOR,
    "volunteers:dbs_add": COORDINATOR,
    "volunteers:training_add": COORDINATOR,
    "volunteers:training_bulk": COORDINATOR,
    "volunteers:reference_add": COORDINATOR,
    "volunteers:reference_receive": COORDINATOR,
    "volunteers:sign_in_invite": COORDINATOR,
    "volunteers:role_assign": COORDINATOR,
    "volunteers:role_remove": COORDINATOR,
    "volunteers:person_link": COORDINATOR,
    "volunteers:user_link": COORDINATOR,
    "volunteers:journey_add": COORDINATOR,
    "volunteers:me": SELF_SERVICE,
    "volunteers:my_availability": SELF_SERVICE,
    "volunteers:my_checks": SELF_SERVICE,
    "volunteers:my_hours": SELF_SERVICE,
    "volunteers:my_supervision": SELF_SERVICE,
}
# One-shot POSTs: GET gets 405 once permitted.
POST_ONLY = {"volunteers:sign_in_invite"}

# A volunteer's name: if it appears on a page Charlie (another organisation) opens, it leaked.
SECRET = "Ermengarde"


def url_kwargs(organisation):
    volunteer = VolunteerFactory(
        organisation=organisation, given_name=SECRET, family_name="Pettifer"
    )
    DbsCheckFactory(volunteer=volunteer)
    role = RoleFactory(organisation=organisation)
    support = SupportRequest.objects.create(
        organisation=organisation, volunteer=volunteer, message="Could we talk?"
    )
    person = PersonFactory(organisation=organisation, given_name=SECRET, family_name="Quince")
    reference = Reference.objects.create(
        organisation=organisation, volunteer=volunteer, referee_name=f"{SECRET} Senior",
        relationship="Former employer", contact="referee@example.com",
        requested_on=volunteer.stage_changed_at.date(),
    )  # fmt: skip
    return {
        "reference_id": reference.pk,
        "person_id": person.pk,
        "organisation_slug": organisation.slug,
        "volunteer_id": volunteer.pk,
        "role_id": role.pk,
        "request_id": support.pk,
    }
