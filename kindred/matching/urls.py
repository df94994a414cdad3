from django.urls import path

from kindred.matching import views

app_name = "matching"

urlpatterns = [
    path("waiting/", views.waiting_list, name="waiting"),
    path("waiting/<uuid:referral_id>/profile/", views.waiting_profile, name="waiting_profile"),
    path("supporters/", views.supporter_list, name="supporters"),
    path(
        "supporters/<uuid:volunteer_id>/profile/", views.supporter_profile, name="supporter_profile"
    ),
    path("suggest/", views.suggestions, name="suggest"),
    path("accept/<uuid:referral_id>/<uuid:volunteer_id>/", views.accept, name="accept"),
    path("reject/<uuid:referral_id>/<uuid:volunteer_id>/", views.reject, name="reject"),
    path("introductions/", views.introductions, name="introductions"),
    path("introductions/<uuid:relationship_id>/start/", views.start, name="start"),
    path("weights/", views.weights, name="weights"),
    path("waiting/<uuid:referral_id>/conflict/", views.conflict_add, name="conflict_add"),
    path("network/suggest/", views.network_suggestions, name="network_suggest"),
    path(
        "network/accept/<uuid:referral_id>/<uuid:volunteer_id>/",
        views.network_accept,
        name="network_accept",
    ),
    path(
        "network/reject/<uuid:referral_id>/<uuid:volunteer_id>/",
        views.network_reject,
        name="network_reject",
    ),
    path("sharing/", views.sharing, name="sharing"),
]
