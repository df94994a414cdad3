from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "kindred.fhir"
    label = "fhir"
    verbose_name = "FHIR API"

    def ready(self) -> None:
        # Local, and within this app: `home` imports models, which Django can load only once
        # every app is ready; importing it registers the header link.
        from kindred.fhir import home  # noqa: F401
