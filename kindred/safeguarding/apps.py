from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "kindred.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self) -> None:
        # Imported here, not at the top: these modules use models, which exist only once the
        # app registry is ready. Each is this app's own module or the registry it joins.
        from kindred.notifications.hooks import on_failure  # the registry of failure hooks
        from kindred.people.merging import person_records  # the registry of record movers
        from kindred.safeguarding import (  # noqa: F401 - registers panels, sections, daily jobs
            home,
            services,
            tasks,
        )

        # A message about a concern that cannot be delivered moves the ladder on (ADR-108).
        on_failure(services.on_message_failed)

        # A merge moves the concerns about the merged record to the one that stays (ADR-090).
        person_records(
            "safeguarding",
            label="Safeguarding concerns",
            held=services.person_concerns_held,
            move=services.person_concerns_move,
            order=15,
        )
