"""Scoping: what a user limited to some departments, or to some people, may see and change.

Every page, export and lookup narrows its querysets with `request.scope`, so an
employee or record outside the user's departments, or outside their own team (an
employee: themselves; a manager: themselves and everyone who reports to them), does
not exist for them (404).
"""

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Scope:
    department_ids: frozenset[int] | None  # None: every department
    # None: everyone in those departments; else only these employees (their primary keys).
    employee_ids: frozenset | None = None
    # The user sees only their own team (see `scope_for`); `employee_ids` says who is in it,
    # filled in by the layer that knows the reporting lines (people.middleware). Until it
    # is, the scope holds no one.
    own_team_only: bool = False
    # The user is an office kiosk (accounts.roles.KIOSK) and nothing else: it sees nobody
    # (`employee_ids` is empty), and `department_ids` are those whose employees it clocks in.
    kiosk_only: bool = False

    @property
    def is_limited(self) -> bool:
        return (
            self.department_ids is not None or self.employee_ids is not None or self.own_team_only
        )

    def limit(self, queryset: QuerySet, department_path: str) -> QuerySet:
        """Narrow `queryset` to the scope's departments, reached through `department_path`.

        `department_path` is "pk" for departments, "department" for employees,
        "employee__department" for attendance records.
        """
        if self.department_ids is not None:
            queryset = queryset.filter(**{f"{department_path}__in": self.department_ids})
        if self.own_team_only and self.employee_ids is None:
            return queryset.none()
        if self.employee_ids is not None:
            if department_path == "pk":  # departments: those the people work in
                return queryset.filter(employees__in=self.employee_ids).distinct()
            employee_path = department_path.removesuffix("department").removesuffix("__")
            queryset = queryset.filter(**{f"{employee_path or 'pk'}__in": self.employee_ids})
        return queryset

    def with_team(self, employee_ids) -> "Scope":
        """This scope of someone who sees only their own team, with the team filled in."""
        return Scope(
            department_ids=self.department_ids,
            employee_ids=frozenset(employee_ids),
            own_team_only=True,
        )

    @property
    def may_add_departments(self) -> bool:
        """Only a user who sees every department may add one (pages, imports, the admin)."""
        return not self.is_limited

    @property
    def key(self) -> str:
        """The scope as a short text, for the keys of figures kept in a cache."""
        if not self.is_limited:
            return "all"
        text = ",".join(map(str, sorted(self.department_ids or ())))
        if self.own_team_only or self.employee_ids is not None:
            text += ";" + ",".join(sorted(map(str, self.employee_ids or ())))
        return text if len(text) <= 64 else hashlib.sha256(text.encode()).hexdigest()[:32]

    def allows(self, department_id: int, employee_id) -> bool:
        """Whether the employee with this primary key, of this department, is in the scope."""
        if self.own_team_only and self.employee_ids is None:
            return False
        if self.employee_ids is not None and employee_id not in self.employee_ids:
            return False
        return self.department_ids is None or department_id in self.department_ids


EVERYTHING = Scope(department_ids=None)
CANNOT_ADD_DEPARTMENTS = (
    "Your account is limited to some departments, so it cannot add new ones. Ask an administrator."
)


def scope_for(user) -> Scope:
    """What `user` may see: the departments of their department limit, if they have one;
    only their own team if their only role is Employee; nobody if they are a kiosk (see
    accounts.roles)."""
    if not user.is_authenticated or user.is_superuser:
        return EVERYTHING
    from django.contrib.auth import get_user_model

    from .roles import is_kiosk_only, sees_own_team_only

    # One query: the user's department limit (none: no limit; a limit with no
    # departments gives a row with None) and their roles.
    rows = get_user_model().objects.filter(pk=user.pk)
    rows = rows.values_list("department_scope", "department_scope__departments", "groups__name")
    limited, department_ids, roles = False, set(), set()
    for limit, department_id, role in rows:
        limited = limited or limit is not None
        if department_id is not None:
            department_ids.add(department_id)
        roles.add(role)
    if is_kiosk_only(roles):
        return Scope(
            department_ids=frozenset(department_ids) if limited else None,
            employee_ids=frozenset(),
            kiosk_only=True,
        )
    own_team_only = sees_own_team_only(roles)
    if not limited and not own_team_only:
        return EVERYTHING
    return Scope(
        department_ids=frozenset(department_ids) if limited else None,
        own_team_only=own_team_only,
    )
