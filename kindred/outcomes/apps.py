from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "kindred.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and evidence"

    def ready(self) -> None:
        # Imported here: rules, panels and the daily jobs need the app registry ready.
        from kindred.core.pages import nav_item
        from kindred.outcomes import home, rules, tasks  # noqa: F401 - panels, permissions, jobs

        nav_item("Outcomes", "outcomes:due", permission="outcomes.record_outcomes", order=70)
        nav_item("Reports", "outcomes:report", permission="outcomes.view_network_report", order=75)
