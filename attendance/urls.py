from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("", views.attendance_list, name="list"),
    path("mark/", views.roster, name="mark"),
    path("register/", views.register, name="register"),
    path("register/export/<str:fmt>/", views.register_export, name="register_export"),
    path("export/<str:fmt>/", views.attendance_export, name="export"),
    path("employee/<str:code>/range/", views.mark_range, name="mark_range"),
    path("<int:pk>/edit/", views.attendance_update, name="update"),
    path("<int:pk>/delete/", views.attendance_delete, name="delete"),
]

holiday_patterns = (
    [
        path("", views.holiday_list, name="list"),
        path("new/", views.holiday_create, name="create"),
        path("<int:pk>/edit/", views.holiday_update, name="update"),
        path("<int:pk>/delete/", views.holiday_delete, name="delete"),
    ],
    "holidays",
)

# An employee's profile (their details, attendance and history), at /employees/<code>/.
profile_patterns = ([path("<str:code>/", views.employee_profile, name="detail")], "profiles")
