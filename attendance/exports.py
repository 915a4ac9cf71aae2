"""The attendance list as a file: built here for the page's download and the export job."""

from types import SimpleNamespace

from django.utils import timezone
from django.utils.text import slugify

from accounts.scoping import Scope
from core.formats import format_month
from jobs.exports import Export, exporter

from . import selectors
from .filters import AttendanceFilter
from .forms import RegisterForm
from .models import AttendanceRecord
from .register import Register, export_table

HEADER = ["Date", "Code", "Employee", "Department", "Status", "Note", "Marked by"]


@exporter("attendance")
def attendance_export(*, scope: Scope, query) -> Export:
    """The attendance list, filtered as the query string says, as the user's scope allows."""
    scoped = selectors.attendance_list(scope=scope)
    request = SimpleNamespace(scope=scope, GET=query)  # what the filter's choices need
    records = AttendanceFilter(query, queryset=scoped, request=request).qs
    labels = dict(AttendanceRecord.Status.choices)
    clock = AttendanceRecord.Source.CLOCK
    rows = (
        [
            day,
            code,
            name,
            department,
            labels[status],
            note,
            by or (clock.label if source == clock else ""),
        ]
        for day, code, name, department, status, note, by, source in records.values_list(
            "date",
            "employee__employee_id",
            "employee__full_name",
            "employee__department__name",
            "status",
            "note",
            "marked_by__username",
            "source",
        ).iterator(chunk_size=2000)
    )
    return Export(
        name=f"attendance-records-{timezone.localdate().isoformat()}",
        title="Attendance",
        header=HEADER,
        rows=rows,
        row_count=records.count,
    )


@exporter("register")
def register_export(*, scope: Scope, query) -> Export:
    """A month's register (every employee, every day), for the month and department in the
    query string (checked by the view before)."""
    form = RegisterForm(query, scope=scope)
    if not form.is_valid():
        raise ValueError(f"Not a register: {form.errors.as_text()}")
    sheet = Register(
        month=form.cleaned_data["month"], department=form.cleaned_data["department"], scope=scope
    )
    header, rows = export_table(sheet)
    name = f"attendance-{sheet.start.isoformat()[:7]}"
    what = f"the register of {format_month(sheet.start)}"
    if sheet.department is not None:
        name += "-" + slugify(sheet.department.name)
        what += f", {sheet.department.name}"
    return Export(
        name=name,
        title=format_month(sheet.start),
        header=header,
        rows=rows,
        row_count=sheet.employees().count,
        what=what,
    )
