from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "kindred.groups"
    label = "groups"
    verbose_name = "Groups and drop-ins"

    def ready(self) -> None:
        # Imported here: rules and the header link need the app registry ready.
        from kindred.core.pages import nav_item
        from kindred.groups import home, rules, tasks  # noqa: F401 - panel, permissions, daily job

        nav_item("Groups", "groups:list", permission="groups.view_group", order=60)
