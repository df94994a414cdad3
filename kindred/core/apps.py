from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kindred.core"
    label = "core"
    verbose_name = "Kindred core"

    def ready(self) -> None:
        from kindred.core import checks  # noqa: F401 - registers the deployment checks (ADR-079)
