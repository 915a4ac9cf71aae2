from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("employees/import/", views.upload, {"kind": "employees"}, name="employees"),
    path(
        "employees/import/template/<str:fmt>/",
        views.template,
        {"kind": "employees"},
        name="employees_template",
    ),
    path("attendance/import/", views.upload, {"kind": "attendance"}, name="attendance"),
    path(
        "attendance/import/template/<str:fmt>/",
        views.template,
        {"kind": "attendance"},
        name="attendance_template",
    ),
    path("imports/<uuid:pk>/", views.preview, name="preview"),
    path("imports/<uuid:pk>/cancel/", views.cancel, name="cancel"),
]
