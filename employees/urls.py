from django.urls import path

from . import views

app_name = "employees"

urlpatterns = [
    path("", views.employee_list, name="list"),
    path("new/", views.employee_create, name="create"),
    path("export/<str:fmt>/", views.employee_export, name="export"),
    path("<str:code>/edit/", views.employee_update, name="update"),
    path("<str:code>/deactivate/", views.employee_deactivate, name="deactivate"),
    path("<str:code>/reactivate/", views.employee_reactivate, name="reactivate"),
    path("<str:code>/delete/", views.employee_delete, name="delete"),
]

# Departments live in this app but have their own URL namespace.
department_patterns = (
    [
        path("", views.department_list, name="list"),
        path("new/", views.department_create, name="create"),
        path("<int:pk>/edit/", views.department_update, name="update"),
        path("<int:pk>/delete/", views.department_delete, name="delete"),
    ],
    "departments",
)
