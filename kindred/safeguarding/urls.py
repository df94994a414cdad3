from django.urls import path

from kindred.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.concern_list, name="list"),
    path("raise/", views.concern_raise, name="raise"),
    path("arrangements/", views.arrangements, name="arrangements"),
    path("<uuid:concern_id>/", views.concern_detail, name="detail"),
    path("<uuid:concern_id>/acknowledge/", views.concern_acknowledge, name="acknowledge"),
    path("<uuid:concern_id>/enquiry/", views.concern_enquire, name="enquire"),
    path("<uuid:concern_id>/timeline/", views.entry_add, name="entry"),
    path("<uuid:concern_id>/close/", views.concern_close, name="close"),
    path("<uuid:concern_id>/link/", views.concern_link, name="link"),
]
