from django.urls import path

from kindred.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/audit/", views.person_audit, name="audit"),
    path("<uuid:person_id>/consents/", views.person_consents, name="consents"),
    path("<uuid:person_id>/export.<str:file_format>", views.person_export, name="export"),
]
