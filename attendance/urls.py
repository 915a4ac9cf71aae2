from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("", views.attendance_list, name="list"),
    path("mark/", views.roster, name="mark"),
    path("<int:pk>/edit/", views.attendance_update, name="update"),
    path("<int:pk>/delete/", views.attendance_delete, name="delete"),
]
