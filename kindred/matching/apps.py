from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "kindred.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from kindred.matching import home  # noqa: F401 - registers the home panel and header link
