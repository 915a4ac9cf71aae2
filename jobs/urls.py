from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/<uuid:pk>/", views.job_detail, name="detail"),
    path("jobs/<uuid:pk>/cancel/", views.job_cancel, name="cancel"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="download"),
]
