from django.urls import path

from kindred.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("<uuid:message_id>/", views.message_detail, name="detail"),
]
