"""The crisis line's rota pages (included by kindred/crisis/urls.py)."""

from django.urls import path  # noqa: F401 - the pages are added here

urlpatterns: list = []
