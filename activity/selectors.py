"""Reading the audit trail for the activity log."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from accounts.scoping import Scope

# The models whose history the activity log shows, by the name users know them by.
KINDS = {
    "employee": ("employees", "employee", "Employees"),
    "department": ("employees", "department", "Departments"),
    "attendance": ("attendance", "attendancerecord", "Attendance records"),
    "holiday": ("attendance", "holiday", "Holidays"),
    "closedmonth": ("attendance", "closedmonth", "Months closed for payroll"),
}


def content_types() -> dict[str, ContentType]:
    """Each kind's content type (cached by Django after the first lookup)."""
    return {
        key: ContentType.objects.get_by_natural_key(app_label, model)
        for key, (app_label, model, _) in KINDS.items()
    }


def visible_entries(*, scope: Scope) -> QuerySet[LogEntry]:
    """The log entries of HRMS records that the user's department scope lets them see."""
    types = content_types()
    entries = LogEntry.objects.filter(content_type__in=types.values())
    if scope.is_limited:
        entries = entries.filter(
            Q(additional_data__department__in=list(scope.department_ids))
            | Q(content_type=types["holiday"])
        )
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")
