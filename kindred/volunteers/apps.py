from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "kindred.volunteers"
    label = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        from django.core import checks

        from kindred.volunteers import (  # noqa: F401 - registers home panels, links, daily jobs
            home,
            tasks,
        )
        from kindred.volunteers.checks import encryption_key

        checks.register(encryption_key)
