"""The FHIR app's header link: the API tokens page."""

from kindred.core.pages import nav_item

nav_item("API tokens", "fhir:tokens", permission="fhir.manage_tokens", order=90)
