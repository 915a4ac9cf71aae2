"""Reads of requests: the approvals inbox, someone's own requests, a request's timeline."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.roles import HR_ADMIN
from accounts.scoping import Scope
from attendance.models import AttendanceRecord
from employees.models import Employee
from timeclock.models import DayOutcome

from .models import Request

PERMISSION = "approvals.decide_request"


def hr_approvers(department_id) -> list:
    """The active users who decide requests as HR for employees of `department_id`: HR
    admins (and superusers) not limited to other departments. One query."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=HR_ADMIN))
    )
    users = users.filter(
        Q(department_scope__isnull=True) | Q(department_scope__departments=department_id)
    )
    return list(users.distinct().order_by("pk"))


def inbox(*, user, scope: Scope, is_hr: bool) -> QuerySet[Request]:
    """The requests waiting for `user`'s decision, oldest first: those waiting for them as
    manager, and (as HR) every one waiting in their scope, except their own. Six queries
    for a page of them, however many wait."""
    waiting = Request.objects.filter(status=Request.Status.PENDING)
    mine = Q(approver__user=user)
    if is_hr and scope.is_limited:
        hr = scope.limit(waiting, "employee__department").values("pk")
        waiting = waiting.filter(mine | Q(pk__in=hr))
    elif not is_hr:
        waiting = waiting.filter(mine)
    # (HR who sees everyone: every request waiting, theirs as manager among them.)
    # Their own, by a subquery on the employee's unique user: no join for it. The rows'
    # people and leave come in a query each (prefetched) for the page's rows only, rather
    # than joined to every request waiting before the oldest are picked.
    own = Employee.objects.filter(user=user).values("pk")
    return (
        waiting.exclude(employee__in=own)
        .prefetch_related("employee__department", "approver", "leave__leave_type")
        .order_by("created_at", "pk")
    )


def requests_of(employee) -> QuerySet[Request]:
    """`employee`'s requests, newest first."""
    return (
        Request.objects.filter(employee=employee)
        .select_related("employee", "approver", "leave", "leave__leave_type")
        .order_by("-created_at")
    )


def visible_requests(*, user, scope: Scope) -> QuerySet[Request]:
    """Every request `user` may open: within their scope (their team, for an employee),
    their own (an HR admin limited to other departments has some too), and any waiting
    for them."""
    within = scope.limit(Request.objects.all(), "employee__department").values("pk")
    mine = Q(employee__user=user) | Q(approver__user=user)
    return Request.objects.filter(Q(pk__in=within) | mine).select_related(
        "employee", "employee__department", "approver", "leave", "leave__leave_type", "requested_by"
    )


def askable(*, user, scope: Scope):
    """The employees `user` may ask for: themselves; their team, if they manage one; anyone
    in their scope, for HR (who hold `approvals.decide_request`)."""
    people = Employee.objects.filter(is_active=True)
    if user.has_perm(PERMISSION) or scope.own_team_only:
        return scope.limit(people, "department")
    return people.filter(user=user)


def days_now(employee, start, end) -> list[dict]:
    """Each day from `start` to `end` (at most 31) as it stands: its attendance record's
    status and where it came from, and the time clock's reason. Two queries."""
    end = min(end, start + datetime.timedelta(days=30))
    records = {
        r.date: r
        for r in AttendanceRecord.objects.filter(employee=employee, date__range=(start, end))
    }
    outcomes = {
        o.date: o for o in DayOutcome.objects.filter(employee=employee, date__range=(start, end))
    }
    rows = []
    for n in range((end - start).days + 1):
        day = start + datetime.timedelta(days=n)
        record, outcome = records.get(day), outcomes.get(day)
        rows.append(
            {
                "day": day,
                "status": record.get_status_display() if record else "Not marked",
                "source": record.get_source_display() if record else "",
                "reason": outcome.reason if outcome else (record.note if record else ""),
            }
        )
    return rows
