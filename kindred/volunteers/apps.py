from django.apps import AppConfig
from django.core import checks

from kindred.volunteers.checks import encryption_key


class VolunteersConfig(AppConfig):
    name = "kindred.volunteers"
    label = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        checks.register(encryption_key)
        # Imported here, as Django asks of ready(): these modules load this app's models, which
        # exist only once every app is loaded. home and tasks register home panels, links and
        # daily jobs. People merges two records of one person but sits below volunteers:
        # volunteers registers how its records follow the person (ADR-090), in people's registry.
        from kindred.people.merging import person_records
        from kindred.volunteers import home, services, tasks  # noqa: F401 - see above

        person_records(
            "volunteers",
            label="Volunteer records linked to them",
            held=services.person_volunteer_links_held,
            move=services.person_volunteer_links_move,
            order=50,
        )
