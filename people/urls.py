from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("me/", views.my_attendance, name="my_attendance"),
    path("me/export/<str:fmt>/", views.my_attendance_export, name="my_attendance_export"),
    path("team/", views.my_team, name="my_team"),
    path("employees/invitations/", views.invite_many, name="invite_many"),
    path("employees/<str:code>/invite/", views.invite, name="invite"),
    path("invitation/<uidb64>/<token>/", views.AcceptInvitation.as_view(), name="accept"),
]
