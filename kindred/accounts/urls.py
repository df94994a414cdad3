from django.urls import path

from kindred.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("organisation/", views.choose_organisation, name="choose_organisation"),
    path("organisation/members/", views.members, name="members"),
    path("organisation/members/add/", views.member_add, name="member_add"),
    path(
        "organisation/members/<uuid:membership_id>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path(
        "organisation/invitations/<uuid:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<uuid:invitation_id>/answer/",
        views.invitation_answer,
        name="invitation_answer",
    ),
    path("sign-in/two-step/", views.two_factor, name="two_factor"),
    path(
        "organisation/members/<uuid:membership_id>/reset-two-step/",
        views.two_factor_reset,
        name="two_factor_reset",
    ),
    path("forgotten-password/", views.forgotten_password, name="forgotten_password"),
    path("set-password/<str:uid>/<str:token>/", views.set_password, name="set_password"),
    path("audit/", views.audit_log, name="audit_log"),
    path("network/", views.network, name="network"),
    path(
        "network/organisations/<uuid:organisation_id>/invite-admin/",
        views.network_admin_invite,
        name="network_admin_invite",
    ),
    path(
        "network/invitations/<uuid:invitation_id>/withdraw/",
        views.network_invitation_withdraw,
        name="network_invitation_withdraw",
    ),
    path("network/roles/", views.network_roles, name="network_roles"),
]
