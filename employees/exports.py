"""The directory as a file: built here for the page's download and the export job alike."""

from types import SimpleNamespace

from django.utils import timezone

from accounts.scoping import Scope
from jobs.exports import Export, exporter

from . import selectors
from .filters import EmployeeFilter

HEADER = [
    "Code",
    "Full name",
    "Email",
    "Department",
    "Job title",
    "Phone",
    "Date joined",
    "Date left",
    "Status",
    "Manager code",
]


@exporter("employees")
def employees_export(*, scope: Scope, query) -> Export:
    """The directory, filtered as the query string says, as the user's scope allows."""
    directory = selectors.employee_directory(scope=scope)
    request = SimpleNamespace(scope=scope, GET=query)  # what the filter's choices need
    employees = EmployeeFilter(query, queryset=directory, request=request).qs
    columns = ["employee_id", "full_name", "email", "department__name", "job_title", "phone"]
    rows = (
        [*values, joined, left, "Active" if active else "Inactive", manager or ""]
        for *values, joined, left, active, manager in employees.values_list(
            *columns, "date_joined", "date_left", "is_active", "manager__employee_id"
        ).iterator(chunk_size=2000)
    )
    return Export(
        name=f"employees-{timezone.localdate().isoformat()}",
        title="Employees",
        header=HEADER,
        rows=rows,
        row_count=employees.count,
    )
