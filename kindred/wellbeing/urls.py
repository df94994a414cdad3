from django.urls import path

from kindred.wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("<uuid:person_id>/goals/", views.goals, name="goals"),
    path("<uuid:person_id>/goals/add/", views.goal_add, name="goal_add"),
    path("goals/<uuid:goal_id>/", views.goal_change, name="goal_change"),
    path("<uuid:person_id>/reviews/add/", views.review_add, name="review_add"),
    path("<uuid:person_id>/crisis-plan/", views.crisis_plan, name="crisis_plan"),
    path("<uuid:person_id>/crisis-plan/change/", views.crisis_plan_edit, name="crisis_plan_edit"),
    path(
        "<uuid:person_id>/crisis-plan/sharing/",
        views.crisis_plan_sharing,
        name="crisis_plan_sharing",
    ),
    path("<uuid:person_id>/crisis-plan/print/", views.crisis_plan_print, name="crisis_plan_print"),
]
