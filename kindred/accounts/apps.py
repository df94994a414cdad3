from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kindred.accounts"
    label = "accounts"
    verbose_name = "Organisations, people who sign in, and their roles"

    def ready(self) -> None:
        from kindred.accounts import home  # noqa: F401 - registers home panels and header links
