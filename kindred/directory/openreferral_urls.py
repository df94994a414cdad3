"""The Open Referral UK API, included at /openreferral/ (ADR-112)."""

from django.urls import path, re_path

from kindred.directory import api

app_name = "openreferral"

urlpatterns = [
    path("", api.index, name="index"),
    path("services", api.services, name="services"),
    path("services/<str:service_id>", api.service, name="service"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    # Last: any other path under /openreferral/ answers a problem JSON 404, not an HTML page.
    re_path(r"^[\s\S]*$", api.not_found, name="not_found"),
]
