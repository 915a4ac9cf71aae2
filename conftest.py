import logging
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix) -> None:
    """Tests run in parallel (pytest -n 2, as CI does) each get their own database.

    pytest-django names a parallel worker's SQLite database only for Django's own engine;
    ours is django-prometheus' wrapper of it, so its in-memory database is named here.
    PostgreSQL's are named by pytest-django (test_hrms_ci_gw0, ...).
    """
    from django.conf import settings

    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if not worker:
        return
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        name = f"file:memorydb_{worker}?mode=memory&cache=shared"
        database.setdefault("TEST", {})["NAME"] = name
    # And their own Redis database (each test empties the cache): /15, /14, ... by worker.
    cache_settings = settings.CACHES["default"]
    if settings.REDIS_URL:
        url = urlsplit(cache_settings["LOCATION"])
        number = int(url.path.strip("/") or 0) - int(worker.removeprefix("gw"))
        cache_settings["LOCATION"] = urlunsplit(url._replace(path=f"/{number}"))
        caches.__dict__.pop("settings", None)  # read the changed settings again,
        if hasattr(caches._connections, "default"):  # and forget the cache made before
            delattr(caches._connections, "default")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sessions are refreshed once per test, so query counts do not depend on the clock.
    settings.SESSION_REFRESH_SECONDS = 10**9
    # Serve static files from the app folders, as in development, without collectstatic.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Background jobs run at once, inside the request that starts them, so a test sees
    # their outcome; jobs/tests run the real queue (the database backend and its worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Most tests sign HR admins in with force_login: two-factor sign-in is optional here, as
    # in `make run`; accounts/tests turn it on (settings.TWO_FACTOR_REQUIRED = True).
    settings.TWO_FACTOR_REQUIRED = False


def pytest_configure(config):
    # One log line per request is for production; in tests it would only be noise.
    logging.getLogger("hrms.request").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Each test starts with an empty cache (rate limits, readiness checks, figures).

    The database cache (no REDIS_URL) is a table: emptied once the test may use the
    database, and for a test that may not, there is nothing to empty.
    """
    if isinstance(caches["default"], DatabaseCache):
        uses_db = request.node.get_closest_marker("django_db") or {
            "db",
            "transactional_db",
        } & set(request.fixturenames)
        if not uses_db:
            return
        request.getfixturevalue("_django_db_helper")
    cache.clear()
    caches["local"].clear()


@pytest.fixture
def user_with(django_user_model, client):
    """Return a function that logs in a user holding the given permissions ("app.codename")."""

    def make(*perms: str, username: str = "clerk"):
        user = django_user_model.objects.create_user(username=username, password="x-Pass-1234")
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        client.force_login(user)
        return user

    return make


@pytest.fixture
def query_counts(client):
    """Return a function that counts the queries of a GET of `url` at two sizes: after
    `add(few)`, and again after `add(more)`. It returns both counts and the last response."""

    def measure(url: str, add, *, few: int, more: int, data=None):
        add(few)
        with CaptureQueriesContext(connection) as small:
            client.get(url, data)
        add(more)
        with CaptureQueriesContext(connection) as large:
            response = client.get(url, data)
        return len(small), len(large), response

    return measure


@pytest.fixture
def command_errors(capsys):
    """Return a function that runs a management command which must fail (a CommandError
    matching `match`) and returns what it printed to stderr."""

    def run(name: str, *args: str, match: str) -> str:
        with pytest.raises(CommandError, match=match):
            call_command(name, *args)
        return capsys.readouterr().err

    return run


@pytest.fixture
def htmx_headers():
    """Headers of an htmx request made from the given page."""

    def make(current_url: str = "http://testserver/") -> dict:
        return {"HX-Request": "true", "HX-Current-URL": current_url}

    return make


@pytest.fixture
def matrix_world(db, django_user_model):
    """For the permission matrices: two departments, one employee, record and import upload in
    each, a holiday, and a user of each role; "limited" may see only the first department;
    "employee" and "team_lead" are employees, and the first department's employee reports
    to team_lead; "kiosk" is an office kiosk's account."""
    import datetime

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts import roles
    from accounts.models import DepartmentScope
    from attendance.models import ClosedMonth, Holiday
    from attendance.tests.factories import AttendanceRecordFactory
    from employees.tests.factories import DepartmentFactory, EmployeeFactory
    from imports.models import ImportBatch
    from timeclock.models import DayOutcome

    today = timezone.localdate()
    joined = today - datetime.timedelta(days=60)
    inside, outside = DepartmentFactory(name="Inside"), DepartmentFactory(name="Outside")
    objects = {}
    for key, department in (("in", inside), ("out", outside)):
        employee = EmployeeFactory(
            employee_id=f"E-{key.upper()}", department=department, date_joined=joined
        )
        record = AttendanceRecordFactory(employee=employee, date=today - datetime.timedelta(days=1))
        # That day's result from the time clock (an absence), for the exceptions' pages.
        DayOutcome.objects.create(
            employee=employee,
            date=record.date,
            status="absent",
            reason="No punches.",
            derived_at=timezone.now(),
        )
        objects[key] = {"employee": employee, "record": record, "department": department}
        # The month before anyone joined, closed for payroll for the department.
        objects[key]["closure"] = ClosedMonth.objects.create(
            month=(joined.replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
            department=department,
        )
    holiday = Holiday.objects.create(date=today + datetime.timedelta(days=30), name="Future Day")

    users = {"anonymous": None}
    for key, role in (
        ("viewer", roles.VIEWER),
        ("manager", roles.ATTENDANCE_MANAGER),
        ("hr", roles.HR_ADMIN),
        ("limited", roles.ATTENDANCE_MANAGER),
    ):
        user = django_user_model.objects.create_user(key, password="x-Pass-1234")
        user.groups.add(Group.objects.get(name=role))
        users[key] = user
    DepartmentScope.objects.create(user=users["limited"]).departments.add(inside)
    # An office kiosk's account (not in the matrices' USERS: its own test, as it is sent to
    # the kiosk from every other page).
    users["kiosk"] = django_user_model.objects.create_user("kiosk", password="x-Pass-1234")
    users["kiosk"].groups.add(Group.objects.get(name=roles.KIOSK))
    # Two employees' accounts (role Employee): one with nobody reporting to them, one to
    # whom the employee of the objects in the first department reports.
    for key, code in (("employee", "E-SELF"), ("team_lead", "E-LEAD")):
        user = django_user_model.objects.create_user(key, password="x-Pass-1234")
        user.groups.add(Group.objects.get(name=roles.EMPLOYEE))
        users[key] = user
        own = EmployeeFactory(employee_id=code, department=inside, date_joined=joined, user=user)
        if key == "team_lead":
            objects["in"]["employee"].manager = own
            objects["in"]["employee"].save(update_fields=["manager"])
    from jobs.models import Job

    job = Job.objects.create(
        kind="imports.preview",
        title="Check new.csv",
        state=Job.State.SUCCEEDED,
        created_by=users["hr"],
        report={"ok": True, "rows": 0, "created": 0, "updated": 0, "errors": [], "notes": []},
        result_name="new-problems.csv",
        result_type="text/csv",
        result_size=4,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    job.chunks.create(role="result", seq=0, data=b"a,b\n")
    batch = ImportBatch.objects.create(
        kind="employees", filename="new.csv", created_by=users["hr"], preview_job=job
    )
    # A request for leave of each department's employee, asked by hr (for the first
    # department's employee, it waits for team_lead).
    from approvals.services import request_leave
    from leave.models import LeaveType

    annual = LeaveType.objects.create(name="Annual leave", days_per_year=20)
    monday = today + datetime.timedelta(days=14 - today.weekday())
    for key in ("in", "out"):
        objects[key]["request"] = request_leave(
            employee=objects[key]["employee"],
            leave_type=annual,
            start=monday,
            end=monday,
            reason="Matrix",
            by=users["hr"],
        )
    from api.models import ApiToken

    token, _ = ApiToken.issue(user=users["hr"], name="matrix")
    from notifications.models import Kind, Notification

    notification = Notification.objects.create(
        user=users["hr"], kind=Kind.REQUEST_SUBMITTED, title="A request waits", url="/"
    )
    return {
        "objects": objects,
        "holiday": holiday,
        "users": users,
        "batch": batch,
        "job": job,
        "token": token,
        "notification": notification,
    }


@pytest.fixture
def limited_hr(db, django_user_model):
    """An HR admin, staff (so also in the admin), limited to the department "Inside";
    the department "Outside" exists too. Not signed in."""
    from types import SimpleNamespace

    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import DepartmentScope
    from employees.tests.factories import DepartmentFactory

    inside, outside = DepartmentFactory(name="Inside"), DepartmentFactory(name="Outside")
    user = django_user_model.objects.create_user(
        "limited-hr", password="x-Pass-1234", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    DepartmentScope.objects.create(user=user).departments.add(inside)
    return SimpleNamespace(user=user, inside=inside, outside=outside)
