from django.urls import path

from kindred.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.due, name="due"),
    path("questionnaires/<uuid:collection_id>/", views.collection, name="collection"),
    path(
        "questionnaires/<uuid:collection_id>/not-completed/",
        views.collection_close,
        name="collection_close",
    ),
    path("questionnaires/<uuid:collection_id>/link/", views.link_make, name="link_make"),
    path("questionnaires/<uuid:collection_id>/healthcare-use/", views.use, name="use"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("costs/", views.costs, name="costs"),
    path("settings/", views.outcome_settings, name="settings"),
    path("report/", views.report, name="report"),
    path("report/csv/<slug:key>/", views.report_csv, name="report_csv"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
    path("report/chart/<slug:key>.svg", views.report_chart, name="report_chart"),
]
