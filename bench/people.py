"""Employees' own pages: "My attendance" of an employee with a year of records, and
"My team" of a manager with TEAM_SIZE people below them (direct and indirect reports).

`prepare_people` links two accounts (role Employee) to employees of the seeded data and
gives the manager their team: TEAM_SIZE current employees of one department, in
TEAM_LEADS teams under leads who report to the manager (so most are indirect reports).
Django is imported only inside functions.
"""

from __future__ import annotations

import statistics
import time

from bench.client import Browser

EMPLOYEE_USER = "bench-employee"
MANAGER_USER = "bench-manager"
TEAM_SIZE = 200
TEAM_LEADS = 10
# Targets (issue: everyone signs in).
TARGETS_MS = {"my_attendance": 30, "my_team": 50}


def prepare_people(password: str, *, first_day: str, department: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from accounts.roles import EMPLOYEE
    from attendance.models import AttendanceRecord
    from employees.models import Employee

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
    return {
        "my_records": AttendanceRecord.objects.filter(employee=me).count(),
        "team": len(team),
        "direct": len(leads),
    }


def measure_people(port: int, password: str, prepared: dict, *, warmup: int, repeat: int) -> dict:
    """Median and p95 of each page, as its user, over `repeat` requests after `warmup`."""
    results = {}
    for key, username, path in (
        ("my_attendance", EMPLOYEE_USER, "/me/"),
        ("my_team", MANAGER_USER, "/team/"),
    ):
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
        median = statistics.median(times)
        results[key] = {
            "path": path,
            "median_ms": round(median, 1),
            "p95_ms": round(sorted(times)[max(0, int(len(times) * 0.95) - 1)], 1),
            "target_ms": TARGETS_MS[key],
            "met": median < TARGETS_MS[key],
        }
    results.update(prepared)
    return results


def people_lines(people: dict) -> list[str]:
    lines = []
    for key, label in (
        ("my_attendance", f"My attendance ({people['my_records']:,} records of one's own)"),
        ("my_team", f"My team ({people['team']} people, {people['direct']} direct reports)"),
    ):
        row = people[key]
        lines.append(
            f"{label}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms; under "
            f"{row['target_ms']} ms: {'yes' if row['met'] else 'NO'}"
        )
    return lines
