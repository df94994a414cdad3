from django.urls import path

from kindred.volunteers.views import checks, expenses, hours, profile, recruitment, roles, support
from kindred.volunteers.views import references as reference_pages
from kindred.volunteers.views.exports import list_export

app_name = "volunteers"

urlpatterns = [
    path("join/<slug:organisation_slug>/", recruitment.enquire, name="enquire"),
    path("join/<slug:organisation_slug>/sent/", recruitment.enquiry_sent, name="enquiry_sent"),
    path("", recruitment.board, name="board"),
    path("all/", recruitment.volunteer_list, name="list"),
    path("all/export.csv", list_export, name="list_export"),
    path("add/", recruitment.volunteer_add, name="add"),
    path("roles/", roles.roles, name="roles"),
    path("roles/<uuid:role_id>/", roles.role_detail, name="role"),
    path("roles/<uuid:role_id>/change/", roles.role_edit, name="role_edit"),
    path("supervision/", support.supervision, name="supervision"),
    path("supervision/add/", support.supervision_add, name="supervision_add"),
    path("support/<uuid:request_id>/", support.support_answer, name="support_answer"),
    path("value/", hours.value, name="value"),
    path("expenses/", expenses.expenses, name="expenses"),
    path("training/", checks.training_bulk, name="training_bulk"),
    path("invite/<uuid:person_id>/", recruitment.invite, name="invite"),
    path("<uuid:volunteer_id>/", profile.volunteer_detail, name="detail"),
    path("<uuid:volunteer_id>/move/", recruitment.volunteer_move, name="move"),
    path("<uuid:volunteer_id>/dbs/", checks.dbs_add, name="dbs_add"),
    path("<uuid:volunteer_id>/training/", checks.training_add, name="training_add"),
    path("<uuid:volunteer_id>/references/", reference_pages.reference_add, name="reference_add"),
    path(
        "<uuid:volunteer_id>/references/<uuid:reference_id>/received/",
        reference_pages.reference_receive,
        name="reference_receive",
    ),
    path("<uuid:volunteer_id>/role/", roles.role_assign, name="role_assign"),
    path("<uuid:volunteer_id>/role/stop/", roles.role_remove, name="role_remove"),
    path("<uuid:volunteer_id>/link/", profile.person_link, name="person_link"),
    path("<uuid:volunteer_id>/sign-in/", profile.user_link, name="user_link"),
    path("<uuid:volunteer_id>/sign-in/invite/", profile.sign_in_invite, name="sign_in_invite"),
    path("<uuid:volunteer_id>/journey/", profile.journey_add, name="journey_add"),
    path("me/", profile.me, name="me"),
    path("me/availability/", profile.my_availability, name="my_availability"),
    path("me/checks/", checks.my_checks, name="my_checks"),
    path("me/hours/", hours.my_hours, name="my_hours"),
    path("me/supervision/", support.my_supervision, name="my_supervision"),
]
