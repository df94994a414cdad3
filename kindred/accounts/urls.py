from django.urls import path

from kindred.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("organisation/", views.choose_organisation, name="choose_organisation"),
    path("organisation/members/", views.members, name="members"),
]
