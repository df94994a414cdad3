from django.urls import path, re_path

from kindred.fhir import views

app_name = "fhir"

urlpatterns = [
    path("fhir/metadata", views.metadata, name="metadata"),
    path("fhir/ServiceRequest", views.service_request_create, name="service_requests"),
    path(
        "fhir/ServiceRequest/<str:resource_id>", views.service_request_read, name="service_request"
    ),
    path("fhir/Task", views.task_search, name="tasks"),
    path("fhir/Communication", views.communication_search, name="communications"),
    path("api-tokens/", views.tokens_page, name="tokens"),
    # Last: every other path under /fhir/ answers a FHIR 404 (an OperationOutcome), not HTML.
    re_path(r"^fhir(?:/[\s\S]*)?$", views.not_found, name="not_found"),
]
