from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "kindred.fhir"
    label = "fhir"
    verbose_name = "FHIR API"

    def ready(self) -> None:
        from kindred.fhir import home  # noqa: F401 - registers the header link
