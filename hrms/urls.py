"""The project's URLs: each app's under its prefix."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from api.urls import api_urls
from attendance.urls import holiday_patterns, profile_patterns
from core import observability
from employees.urls import department_patterns

urlpatterns = [
    path("", include("dashboard.urls")),
    path("activity/", include("activity.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect): 404 unless set up.
    path("oidc/", include("accounts.oidc_urls")),
    # A forgotten password: a link by email (Django's views and tokens).
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Before the employees' own URLs, where "import" would be read as an employee code.
    path("", include("imports.urls")),
    path("", include("jobs.urls")),
    path("", include("people.urls")),
    path("", include("timeclock.urls")),
    path("", include("approvals.urls")),
    path("", include("leave.urls")),
    path("", include("notifications.urls")),
    path("employees/", include("employees.urls")),
    # After them, where "new" would be read as an employee code.
    path("employees/", include(profile_patterns)),
    path("departments/", include(department_patterns)),
    path("attendance/", include("attendance.urls")),
    path("holidays/", include(holiday_patterns)),
    path("payroll/", include("payroll.urls")),
    path("admin/", admin.site.urls),
    path("api/", api_urls),
    path("account/tokens/", include("api.urls")),
    path("account/two-factor/", include("accounts.urls")),
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    # Browsers ask for /favicon.ico whatever icon a page names. A permanent redirect is
    # cached for good, so it goes to the icon's unhashed address, which stays the same.
    path(
        "favicon.ico",
        login_not_required(
            RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True)
        ),
    ),
]
