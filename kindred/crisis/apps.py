from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "kindred.crisis"
    label = "crisis"
    verbose_name = "The out-of-hours peer crisis line"

    def ready(self) -> None:
        # Imported here: rules, home panels, daily jobs and the header link need the app registry.
        # The support requests' services and timers too (ADR-117, ADR-118).
        from kindred.crisis import (  # noqa: F401 - panels, jobs, permissions, timers
            home,
            requests_services,
            requests_tasks,
            rota_tasks,
            rules,
        )
        from kindred.people.merging import person_records  # the registry of record movers

        # A merge moves the support requests linked to the merged record (ADR-090).
        person_records(
            "crisis_requests",
            label="Crisis line requests",
            held=requests_services.person_requests_held,
            move=requests_services.person_requests_move,
            order=40,
        )
