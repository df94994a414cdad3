from django.apps import AppConfig


class NonprodConfig(AppConfig):
    name = "kindred.nonprod"
    label = "nonprod"
    verbose_name = "Demo and scale data (not installed in production)"
