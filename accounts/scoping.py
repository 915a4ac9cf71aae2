"""Department scoping: what a user limited to some departments may see and change.

Every page, export and lookup narrows its querysets with `request.scope`, so an
employee or record outside the user's departments does not exist for them (404).
"""

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Scope:
    department_ids: frozenset[int] | None  # None: every department

    @property
    def is_limited(self) -> bool:
        return self.department_ids is not None

    def limit(self, queryset: QuerySet, department_path: str) -> QuerySet:
        """Narrow `queryset` to the scope's departments, reached through `department_path`.

        `department_path` is "pk" for departments, "department" for employees,
        "employee__department" for attendance records.
        """
        if self.department_ids is None:
            return queryset
        return queryset.filter(**{f"{department_path}__in": self.department_ids})

    @property
    def may_add_departments(self) -> bool:
        """Only a user who sees every department may add one (pages, imports, the admin)."""
        return not self.is_limited

    @property
    def key(self) -> str:
        """The scope as a short text, for the keys of figures kept in a cache."""
        if self.department_ids is None:
            return "all"
        text = ",".join(map(str, sorted(self.department_ids)))
        return text if len(text) <= 64 else hashlib.sha256(text.encode()).hexdigest()[:32]

    def allows(self, department_id: int) -> bool:
        return self.department_ids is None or department_id in self.department_ids


EVERYTHING = Scope(department_ids=None)
CANNOT_ADD_DEPARTMENTS = (
    "Your account is limited to some departments, so it cannot add new ones. Ask an administrator."
)


def scope_for(user) -> Scope:
    if not user.is_authenticated or user.is_superuser:
        return EVERYTHING
    from .models import DepartmentScope

    # One query: no row means no limit; a limit with no departments gives [None].
    ids = list(DepartmentScope.objects.filter(user=user).values_list("departments", flat=True))
    if not ids:
        return EVERYTHING
    return Scope(department_ids=frozenset(i for i in ids if i is not None))
