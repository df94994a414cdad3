from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "kindred.wellbeing"
    label = "wellbeing"
    verbose_name = "Goals and crisis plans"

    def ready(self) -> None:
        from kindred.wellbeing import home  # noqa: F401 - registers person page sections and exports
