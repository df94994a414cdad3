from django.urls import path

from kindred.relationships import views
from kindred.relationships.exports import caseload_export

app_name = "relationships"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("export.csv", caseload_export, name="caseload_export"),
    path("add/", views.add, name="add"),
    path("mine/", views.mine, name="mine"),
    path("mine/supervision/", views.ask_supervision, name="ask_supervision"),
    path("<uuid:relationship_id>/", views.detail, name="detail"),
    path("<uuid:relationship_id>/move/", views.move, name="move"),
    path("<uuid:relationship_id>/end/", views.end, name="end"),
    path(
        "<uuid:relationship_id>/note-for-supporters/",
        views.note_for_supporters,
        name="note_for_supporters",
    ),
    path("<uuid:relationship_id>/contact/", views.contact, name="contact"),
    path("<uuid:relationship_id>/concern/", views.concern, name="concern"),
]
