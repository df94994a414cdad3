from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kindred.accounts"
    label = "accounts"
    verbose_name = "Organisations, people who sign in, and their roles"
