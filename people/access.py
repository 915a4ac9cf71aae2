"""What an employee's account may see and do: their own team (accounts.roles).

An employee's team is themselves and everyone who reports to them, directly or through
others; someone with reports is their Manager. `TeamScopeMiddleware` fills the team
into the scope of a user whose only role is Employee, so every page, export and API
operation that narrows by `request.scope` shows them their team and nobody else.
`ManagerBackend` lets managers mark and correct their team's attendance when the
deployment allows it (settings.MANAGERS_MAY_MARK_ATTENDANCE).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject

from accounts.roles import sees_own_team_only
from accounts.scoping import Scope
from employees.models import Employee, team_of

# What a manager may do to their team's attendance, when the deployment allows it.
MANAGER_MARKING = frozenset(
    {
        "attendance.add_attendancerecord",
        "attendance.change_attendancerecord",
        "attendance.delete_attendancerecord",
    }
)


def with_team(scope: Scope, user) -> Scope:
    """`scope`, with the people of `user`'s team filled in if it is limited to them."""
    if not scope.own_team_only or scope.employee_ids is not None:
        return scope
    return scope.with_team(team_of(user.pk))


class TeamScopeMiddleware:
    """After accounts' ScopeMiddleware: an employee's scope holds their own team."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = request.scope
        request.scope = SimpleLazyObject(lambda: with_team(scope, request.user))
        return self.get_response(request)


class ManagerBackend(BaseBackend):
    """Managers (Employees with reports) may mark their team's attendance, if allowed.

    Only for users whose only role is Employee: their scope is their team, so what they
    mark is their team's. One query, once per request, and only when it is allowed.
    """

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if (
            not settings.MANAGERS_MAY_MARK_ATTENDANCE
            or not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
        ):
            return set()
        if not hasattr(user_obj, "_manager_perm_cache"):
            leads = Exists(Employee.objects.filter(manager__user=OuterRef("pk")))
            rows = get_user_model().objects.filter(pk=user_obj.pk).annotate(leads=leads)
            rows = list(rows.values_list("groups__name", "leads"))
            roles = {role for role, _ in rows}
            is_manager = bool(rows) and rows[0][1] and sees_own_team_only(roles)
            user_obj._manager_perm_cache = set(MANAGER_MARKING) if is_manager else set()
        return user_obj._manager_perm_cache

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
