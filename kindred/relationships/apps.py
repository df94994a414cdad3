from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "kindred.relationships"
    label = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        from kindred.relationships import (  # noqa: F401 - registers panels, sections, daily jobs
            home,
            tasks,
        )
