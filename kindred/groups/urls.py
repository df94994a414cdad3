from django.urls import path

from kindred.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("<uuid:group_id>/", views.group_detail, name="detail"),
    path("<uuid:group_id>/change/", views.group_edit, name="edit"),
    path("<uuid:group_id>/members/add/", views.member_add, name="member_add"),
    path("<uuid:group_id>/regulars/add/", views.regular_add, name="regular_add"),
    path(
        "<uuid:group_id>/members/<uuid:member_id>/leave/", views.member_leave, name="member_leave"
    ),
    path(
        "<uuid:group_id>/members/<uuid:member_id>/safety-net/",
        views.member_safety_net,
        name="member_safety_net",
    ),
    path(
        "<uuid:group_id>/members/<uuid:member_id>/crisis-plan/",
        views.member_plan,
        name="member_plan",
    ),
    path(
        "<uuid:group_id>/regulars/<uuid:regular_id>/safety-net/",
        views.regular_safety_net,
        name="regular_safety_net",
    ),
    path("<uuid:group_id>/waiting/<uuid:place_id>/", views.place_answer, name="place_answer"),
    path("<uuid:group_id>/prompts/<uuid:prompt_id>/", views.prompt, name="prompt"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<uuid:venue_id>/", views.venue_edit, name="venue_edit"),
    path("sessions/<uuid:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<uuid:session_id>/move/", views.session_move, name="session_move"),
    path("sessions/<uuid:session_id>/attendance/", views.attendance, name="attendance"),
    path("sessions/<uuid:session_id>/call-in/", views.call_in, name="call_in"),
]
