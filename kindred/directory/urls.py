from django.urls import path

from kindred.directory import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/groups/<uuid:group_id>/", views.group, name="group"),
    path("directory/groups/<uuid:group_id>/sessions.ics", views.calendar, name="calendar"),
]
