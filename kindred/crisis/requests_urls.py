"""The crisis line's requests pages (included by kindred/crisis/urls.py)."""

from django.urls import URLPattern, path

from kindred.crisis import requests_views as views

urlpatterns: list[URLPattern] = [
    path("ask/<slug:organisation_slug>/", views.ask, name="ask"),
    path("ask/<slug:organisation_slug>/sent/", views.ask_sent, name="ask_sent"),
    path("requests/", views.request_list, name="requests"),
    path("requests/log/", views.request_log, name="request_log"),
    path("requests/<uuid:support_request_id>/", views.request_detail, name="request"),
    path("requests/<uuid:support_request_id>/accept/", views.request_accept, name="request_accept"),
    path(
        "requests/<uuid:support_request_id>/acknowledge/",
        views.request_acknowledge,
        name="request_acknowledge",
    ),
    path(
        "requests/<uuid:support_request_id>/escalate/",
        views.request_escalate,
        name="request_escalate",
    ),
    path("requests/<uuid:support_request_id>/link/", views.request_link, name="request_link"),
    path(
        "requests/<uuid:support_request_id>/concern/", views.request_concern, name="request_concern"
    ),
    path("requests/<uuid:support_request_id>/close/", views.request_close, name="request_close"),
    path(
        "requests/<uuid:support_request_id>/debrief/", views.request_debrief, name="request_debrief"
    ),
]
