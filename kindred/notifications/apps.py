from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kindred.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from kindred.notifications import (
            checks,  # noqa: F401 - registers the checks (ADR-103)
            home,  # noqa: F401 - registers the header link
        )

        # Each app's link makers (kindred/<app>/notification_links.py), for the worker (ADR-073).
        autodiscover_modules("notification_links")
