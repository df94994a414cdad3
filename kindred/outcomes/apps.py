from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "kindred.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and evidence"
