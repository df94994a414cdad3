from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kindred.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from kindred.people import home  # noqa: F401 - registers the home panel and header link
