from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "kindred.crisis"
    label = "crisis"
    verbose_name = "The out-of-hours peer crisis line"

    def ready(self) -> None:
        # Imported here: rules, home panels, daily jobs and the header link need the app registry.
        from kindred.core.pages import nav_item
        from kindred.crisis import home, rota_tasks, rules  # noqa: F401 - panels, jobs, permissions

        nav_item("Crisis rota", "crisis:rota", permission="crisis.view_rota", order=65)
