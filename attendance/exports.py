"""The attendance list as a file: built here for the page's download and the export job."""

from types import SimpleNamespace

from django.utils import timezone

from accounts.scoping import Scope
from jobs.exports import Export, exporter

from . import selectors
from .filters import AttendanceFilter
from .models import AttendanceRecord

HEADER = ["Date", "Code", "Employee", "Department", "Status", "Note", "Marked by"]


@exporter("attendance")
def attendance_export(*, scope: Scope, query) -> Export:
    """The attendance list, filtered as the query string says, as the user's scope allows."""
    scoped = selectors.attendance_list(scope=scope)
    request = SimpleNamespace(scope=scope, GET=query)  # what the filter's choices need
    records = AttendanceFilter(query, queryset=scoped, request=request).qs
    labels = dict(AttendanceRecord.Status.choices)
    rows = (
        [day, code, name, department, labels[status], note, marked_by or ""]
        for day, code, name, department, status, note, marked_by in records.values_list(
            "date",
            "employee__employee_id",
            "employee__full_name",
            "employee__department__name",
            "status",
            "note",
            "marked_by__username",
        ).iterator(chunk_size=2000)
    )
    return Export(
        name=f"attendance-records-{timezone.localdate().isoformat()}",
        title="Attendance",
        header=HEADER,
        rows=rows,
        row_count=records.count,
    )
