from django.apps import AppConfig


class NhsukFormsConfig(AppConfig):
    name = "kindred.nhsuk_forms"
    label = "nhsuk_forms"
    verbose_name = "NHS.UK form components"
