from django.urls import path

from kindred.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("join/<slug:organisation_slug>/", views.enquire, name="enquire"),
    path("join/<slug:organisation_slug>/sent/", views.enquiry_sent, name="enquiry_sent"),
    path("", views.board, name="board"),
    path("all/", views.volunteer_list, name="list"),
    path("add/", views.volunteer_add, name="add"),
    path("roles/", views.roles, name="roles"),
    path("roles/<uuid:role_id>/", views.role_detail, name="role"),
    path("roles/<uuid:role_id>/change/", views.role_edit, name="role_edit"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/add/", views.supervision_add, name="supervision_add"),
    path("support/<uuid:request_id>/", views.support_answer, name="support_answer"),
    path("value/", views.value, name="value"),
    path("expenses/", views.expenses, name="expenses"),
    path("invite/<uuid:person_id>/", views.invite, name="invite"),
    path("<uuid:volunteer_id>/", views.volunteer_detail, name="detail"),
    path("<uuid:volunteer_id>/move/", views.volunteer_move, name="move"),
    path("<uuid:volunteer_id>/dbs/", views.dbs_add, name="dbs_add"),
    path("<uuid:volunteer_id>/training/", views.training_add, name="training_add"),
    path("<uuid:volunteer_id>/role/", views.role_assign, name="role_assign"),
    path("<uuid:volunteer_id>/role/stop/", views.role_remove, name="role_remove"),
    path("<uuid:volunteer_id>/link/", views.person_link, name="person_link"),
    path("<uuid:volunteer_id>/sign-in/", views.user_link, name="user_link"),
    path("<uuid:volunteer_id>/journey/", views.journey_add, name="journey_add"),
    path("me/", views.me, name="me"),
    path("me/availability/", views.my_availability, name="my_availability"),
    path("me/checks/", views.my_checks, name="my_checks"),
    path("me/hours/", views.my_hours, name="my_hours"),
    path("me/supervision/", views.my_supervision, name="my_supervision"),
]
