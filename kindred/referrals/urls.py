from django.urls import path

from kindred.referrals import views, views_network
from kindred.referrals.exports import inbox_export

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/export.csv", inbox_export, name="inbox_export"),
    path("referrals/add/", views.add, name="add"),
    path("referrals/<uuid:referral_id>/", views.detail, name="detail"),
    # One route for each thing a coordinator may do with a referral (POST only).
    path("referrals/<uuid:referral_id>/accept/", views.accept, name="accept"),
    path("referrals/<uuid:referral_id>/wait/", views.wait, name="wait"),
    path("referrals/<uuid:referral_id>/start/", views.start, name="start"),
    path("referrals/<uuid:referral_id>/decline/", views.decline, name="decline"),
    path("referrals/<uuid:referral_id>/close/", views.close, name="close"),
    path(
        "referrals/<uuid:referral_id>/confirm-person/",
        views.confirm_person,
        name="confirm_person",
    ),
    path(
        "referrals/<uuid:referral_id>/separate-person/",
        views.separate_person,
        name="separate_person",
    ),
    path("referrals/<uuid:referral_id>/join/", views.join, name="join"),
    path("refer/", views.refer, name="refer"),
    path("refer/yours/", views.mine, name="mine"),
    path("refer-yourself/<slug:organisation_slug>/", views.self_refer, name="self_refer"),
    path(
        "refer-yourself/<slug:organisation_slug>/sent/",
        views.self_refer_done,
        name="self_refer_done",
    ),
    path("people/<uuid:person_id>/concern-for-gp/", views.gp_concern, name="gp_concern"),
    # The network front door (ADR-092): its public form, and its inbox for network admins.
    path(
        "refer-yourself/network/<slug:network_slug>/",
        views_network.network_self_refer,
        name="network_self_refer",
    ),
    path(
        "refer-yourself/network/<slug:network_slug>/sent/",
        views_network.network_self_refer_done,
        name="network_self_refer_done",
    ),
    path("network/referrals/", views_network.network_inbox, name="network_inbox"),
    path(
        "network/referrals/<uuid:network_referral_id>/",
        views_network.network_referral_detail,
        name="network_referral",
    ),
    path(
        "network/referrals/<uuid:network_referral_id>/route/",
        views_network.network_referral_route,
        name="network_referral_route",
    ),
    path(
        "network/referrals/<uuid:network_referral_id>/decline/",
        views_network.network_referral_decline,
        name="network_referral_decline",
    ),
]
