from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from employees.urls import department_patterns

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="employees:list"), name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("employees/", include("employees.urls")),
    path("departments/", include(department_patterns)),
    path("attendance/", include("attendance.urls")),
    path("admin/", admin.site.urls),
]
