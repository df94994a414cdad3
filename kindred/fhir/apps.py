from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "kindred.fhir"
    label = "fhir"
    verbose_name = "FHIR API"
