from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "kindred.crisis"
    label = "crisis"
    verbose_name = "The out-of-hours peer crisis line"

    def ready(self) -> None:
        # Imported here: rules, home panels, daily jobs and the header link need the app registry.
        from kindred.core.pages import nav_item
        from kindred.crisis import (  # noqa: F401 - panels, jobs, permissions, the requests' timers
            home,
            requests_services,
            requests_tasks,
            rota_tasks,
            rules,
        )
        from kindred.people.merging import person_records  # the registry of record movers

        nav_item("Crisis rota", "crisis:rota", permission="crisis.view_rota", order=65)
        nav_item("Crisis requests", "crisis:requests", permission="crisis.view_requests", order=64)

        # A merge moves the support requests linked to the merged record (ADR-090).
        person_records(
            "crisis_requests",
            label="Crisis line requests",
            held=requests_services.person_requests_held,
            move=requests_services.person_requests_move,
            order=40,
        )
