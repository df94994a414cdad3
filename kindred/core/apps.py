from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kindred.core"
    label = "core"
    verbose_name = "Kindred core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from kindred.core import (
            append_only,
            checks,  # noqa: F401 - registers the deployment checks (ADR-079)
        )

        # The function SQLite's DELETE triggers ask (ADR-080); registered on every connection.
        connection_created.connect(
            append_only.register_sqlite_function, dispatch_uid="kindred_sqlite_purge_function"
        )
        # Triggers on every append-only table after every migrate, whatever it rebuilt.
        post_migrate.connect(
            append_only.install_after_migrate, sender=self, dispatch_uid="kindred_append_only"
        )
        # Each app's audit vocabulary (ADR-084), declared before any entry is written.
        autodiscover_modules("audit_actions")
