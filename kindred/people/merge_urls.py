"""Merging two records of one person (ADR-090), under /people/<person_id>/merge/. Included by
people/urls.py without a namespace of its own, so the names are `people:merge...`."""

from django.urls import path

from kindred.people import merge_views

urlpatterns = [
    path("", merge_views.merge_choose, name="merge"),
    path("<uuid:other_id>/", merge_views.merge_compare, name="merge_compare"),
    path("<uuid:other_id>/confirm/", merge_views.merge_confirm, name="merge_confirm"),
]
