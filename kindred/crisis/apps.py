from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "kindred.crisis"
    label = "crisis"
    verbose_name = "The out-of-hours peer crisis line"

    def ready(self) -> None:
        # Imported here: rules, home panels, daily jobs and the header link need the app registry.
        from kindred.crisis import home, rota_tasks, rules  # noqa: F401 - panels, jobs, permissions
