"""The crisis line's rota pages (included by kindred/crisis/urls.py)."""

from django.urls import URLPattern, path

from kindred.crisis import rota_views as views

urlpatterns: list[URLPattern] = [
    path("rota/", views.rota_index, name="rota"),
    path("rota/new/", views.rota_create, name="rota_create"),
    path("rota/settings/", views.rota_settings, name="rota_settings"),
    path("rota/settings/shifts/", views.rota_patterns, name="rota_patterns"),
    path("rota/me/", views.my_shifts, name="my_shifts"),
    path("rota/me/availability/", views.my_shift_availability, name="my_shift_availability"),
    path("rota/<uuid:rota_id>/", views.rota_detail, name="rota_detail"),
    path("rota/<uuid:rota_id>/build/", views.rota_build, name="rota_build"),
    path("rota/<uuid:rota_id>/shifts/new/", views.shift_add, name="shift_add"),
    path("rota/shifts/<uuid:shift_id>/", views.shift_detail, name="shift"),
]
