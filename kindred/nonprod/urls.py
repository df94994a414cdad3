"""Routes of the demo and scale app, included by kindred.config.urls only where the app is
installed (never with production settings)."""

from django.urls import path

from kindred.nonprod import views

app_name = "nonprod"

urlpatterns = [
    path("bench/bare/", views.bench_bare, name="bench_bare"),
    path("bench/one-query/", views.bench_one_query, name="bench_one_query"),
]
