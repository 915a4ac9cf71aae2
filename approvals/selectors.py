"""Reads of requests: the approvals inbox, someone's own requests, a request's timeline."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.roles import HR_ADMIN
from accounts.scoping import Scope

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
    manager, and (as HR) every one waiting in their scope, except their own."""
    waiting = Request.objects.filter(status=Request.Status.PENDING)
    mine = Q(approver__user=user)
    if is_hr:
        hr = scope.limit(Request.objects.all(), "employee__department").values("pk")
        waiting = waiting.filter(mine | Q(pk__in=hr))
    else:
        waiting = waiting.filter(mine)
    return (
        waiting.exclude(employee__user=user)
        .select_related(
            "employee", "employee__department", "approver", "leave", "leave__leave_type"
        )
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
