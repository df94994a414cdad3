from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "kindred.crisis"
    label = "crisis"
    verbose_name = "The out-of-hours peer crisis line"
