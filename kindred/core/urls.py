from django.urls import path

from kindred.core import views

app_name = "core"

urlpatterns = [
    path("", views.root, name="root"),
    path("home/", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("health/", views.health, name="health"),
]
