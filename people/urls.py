from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("employees/invitations/", views.invite_many, name="invite_many"),
    path("employees/<str:code>/invite/", views.invite, name="invite"),
    path("invitation/<uidb64>/<token>/", views.AcceptInvitation.as_view(), name="accept"),
]
