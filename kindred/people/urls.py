from django.urls import include, path

from kindred.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/audit/", views.person_audit, name="audit"),
    path("<uuid:person_id>/consents/", views.person_consents, name="consents"),
    path("<uuid:person_id>/change/<slug:part>/", views.person_change, name="change"),
    path("<uuid:person_id>/export.<str:file_format>", views.person_export, name="export"),
    path("<uuid:person_id>/merge/", include("kindred.people.merge_urls")),
]
