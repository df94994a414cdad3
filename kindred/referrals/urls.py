from django.urls import path

from kindred.referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/add/", views.add, name="add"),
    path("referrals/<uuid:referral_id>/", views.detail, name="detail"),
    path("refer/", views.refer, name="refer"),
    path("refer/yours/", views.mine, name="mine"),
    path("refer-yourself/<slug:organisation_slug>/", views.self_refer, name="self_refer"),
    path(
        "refer-yourself/<slug:organisation_slug>/sent/",
        views.self_refer_done,
        name="self_refer_done",
    ),
    path("people/<uuid:person_id>/concern-for-gp/", views.gp_concern, name="gp_concern"),
]
