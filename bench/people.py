"""Employees' own pages: "My attendance" of an employee with a year of records, and
"My team" of a manager with TEAM_SIZE people below them (direct and indirect reports);
the time clock's button, and the exceptions inbox over DERIVED_DAYS days of results (and
how long deriving one of those days for everyone takes).

`prepare_people` links two accounts (role Employee) to employees of the seeded data and
gives the manager their team: TEAM_SIZE current employees of one department, in
TEAM_LEADS teams under leads who report to the manager (so most are indirect reports).
Django is imported only inside functions.
"""

from __future__ import annotations

import datetime
import re
import statistics
import time

from bench.client import Browser, csrf_field

EMPLOYEE_USER = "bench-employee"
MANAGER_USER = "bench-manager"
TEAM_SIZE = 200
TEAM_LEADS = 10
# Targets (issue: everyone signs in).
TARGETS_MS = {"my_attendance": 30, "my_team": 50, "clock": 30, "exceptions": 50}
# Days whose results the exceptions inbox reads (derived before the run).
DERIVED_DAYS = 20


def prepare_people(password: str, *, first_day: str, department: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from accounts.roles import EMPLOYEE
    from attendance.models import AttendanceRecord
    from employees.models import Employee
    from timeclock.models import Punch

    User = get_user_model()
    role = Group.objects.get(name=EMPLOYEE)
    today = timezone.localdate()
    with transaction.atomic():
        Employee.objects.filter(user__username__in=[EMPLOYEE_USER, MANAGER_USER]).update(user=None)
        accounts = {}
        for username in (EMPLOYEE_USER, MANAGER_USER):
            user = User.objects.filter(username=username).first() or User(username=username)
            user.is_active, user.is_staff, user.is_superuser = True, False, False
            user.set_password(password)
            user.save()
            user.groups.set([role])
            accounts[username] = user
        # Someone who worked here all year (a full year of their own records), and to whom
        # nobody reports: an employee, not a manager.
        me = (
            Employee.objects.employed_between(first_day, today)
            .filter(date_joined__lte=first_day, is_active=True, date_left__isnull=True)
            .filter(reports__isnull=True)
            .order_by("employee_id")
            .first()
        )
        me.user = accounts[EMPLOYEE_USER]
        me.save(update_fields=["user"])
        # The clock's earlier runs: a day of a few punches, as people have. (The punch log
        # is append-only for the app; this is the benchmark's own data.)
        Punch.objects.filter(employee=me).delete()
        for hour, direction in ((8, "in"), (12, "out"), (13, "in")):
            Punch.objects.create(
                employee=me,
                at=timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0),
                direction=direction,
                source="web",
            )
        people = list(
            Employee.objects.employed_on(today)
            .filter(department=department)
            .exclude(pk=me.pk)
            .order_by("employee_id")[: TEAM_SIZE + 1]
        )
        boss, team = people[0], people[1:]
        boss.user, boss.manager = accounts[MANAGER_USER], None
        boss.save(update_fields=["user", "manager"])
        leads = team[:TEAM_LEADS]
        for n, person in enumerate(team):
            person.manager = boss if person in leads else leads[n % TEAM_LEADS]
        Employee.objects.bulk_update(team, ["manager"])
        # Nobody else reports to anyone in the team (the demo's chart may have given them
        # reports), so the team is exactly TEAM_SIZE people.
        Employee.objects.filter(manager__in=[boss, *team]).exclude(
            pk__in=[p.pk for p in team]
        ).update(manager=None)
    # The exceptions inbox reads the days' results: the last DERIVED_DAYS days, derived
    # for everyone with a pattern (the departments' default, as the demo gives them).
    from demo.data import _working_patterns
    from employees.models import Department
    from timeclock.models import DayOutcome, DepartmentPattern
    from timeclock.services import days_derive

    if not DepartmentPattern.objects.exists():
        _working_patterns(list(Department.objects.all()))
    derive_seconds = []
    for back in range(1, DERIVED_DAYS + 1):
        t0 = time.perf_counter()
        days_derive(today - datetime.timedelta(days=back))
        derive_seconds.append(time.perf_counter() - t0)
    return {
        "my_records": AttendanceRecord.objects.filter(employee=me).count(),
        "team": len(team),
        "direct": len(leads),
        "derive_day_s": round(statistics.median(derive_seconds), 2),
        "outcomes": DayOutcome.objects.count(),
    }


def measure_people(
    port: int, password: str, prepared: dict, *, warmup: int, repeat: int, admin=None
) -> dict:
    """Median and p95 of each page, as its user, over `repeat` requests after `warmup`;
    and of the clock button (clocking in and out by turns), as the employee."""
    results = {}
    for key, username, path in (
        ("my_attendance", EMPLOYEE_USER, "/me/"),
        ("my_team", MANAGER_USER, "/team/"),
        ("exceptions", None, "/attendance/exceptions/"),
    ):
        if username is None:
            browser = admin  # the benchmark's superuser: every department
        else:
            browser = Browser(port)
            browser.sign_in(username, password)
        for _ in range(warmup):
            browser.get(path)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            answer = browser.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            if answer.status != 200:
                raise RuntimeError(f"{path} as {username}: HTTP {answer.status}")
        results[key] = _row(path, times, key)
    # Then the clock (after the pages: a day of a few punches is what they show).
    employee = Browser(port)
    employee.sign_in(EMPLOYEE_USER, password)
    times = []
    for n in range(warmup + repeat):
        page = employee.get("/me/").text
        form = {
            "csrfmiddlewaretoken": csrf_field(page),
            "direction": re.search(r'name="direction" value="(\w+)"', page).group(1),
            "key": re.search(r'name="key" value="([^"]+)"', page).group(1),
            "next": "/me/",
        }
        t0 = time.perf_counter()
        answer = employee.post("/me/clock/", form)
        if n >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
        if answer.status != 302:
            raise RuntimeError(f"/me/clock/: HTTP {answer.status}")
    results["clock"] = _row("/me/clock/ (POST)", times, "clock")
    results.update(prepared)
    return results


def _row(path: str, times: list[float], key: str) -> dict:
    median = statistics.median(times)
    return {
        "path": path,
        "median_ms": round(median, 1),
        "p95_ms": round(sorted(times)[max(0, int(len(times) * 0.95) - 1)], 1),
        "target_ms": TARGETS_MS[key],
        "met": median < TARGETS_MS[key],
    }


def people_lines(people: dict) -> list[str]:
    lines = []
    for key, label in (
        ("my_attendance", f"My attendance ({people['my_records']:,} records of one's own)"),
        ("my_team", f"My team ({people['team']} people, {people['direct']} direct reports)"),
        ("clock", "Clock in or out (the button's POST)"),
        ("exceptions", f"Exceptions inbox ({people['outcomes']:,} days' results kept)"),
    ):
        row = people[key]
        lines.append(
            f"{label}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms; under "
            f"{row['target_ms']} ms: {'yes' if row['met'] else 'NO'}"
        )
    lines.append(
        f"Deriving one day for everyone: median {people['derive_day_s']} s over "
        f"{DERIVED_DAYS} days; under 5 s: {'yes' if people['derive_day_s'] < 5 else 'NO'}"
    )
    return lines
