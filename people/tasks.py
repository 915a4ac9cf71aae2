"""Inviting many employees at once: a background job, one email each."""

from django.core.mail import get_connection

from employees.models import Department
from jobs.models import Job
from jobs.registry import register
from jobs.runner import JobCancelled, JobContext

from . import selectors, services

INVITE_MANY = "people.invite"


@register(INVITE_MANY, done_url="employees:list")
def invite_many(job: Job, context: JobContext) -> None:
    if job.params.get("codes"):  # the ones HR chose, by code
        employees = list(selectors.chosen_employees(scope=job.scope, codes=job.params["codes"]))
    else:  # everyone (of a department) not invited yet
        department = None
        if job.params.get("department"):
            department = Department.objects.filter(pk=job.params["department"]).first()
        found = selectors.not_invited(scope=job.scope, department=department)
        employees = list(found.select_related("user"))
    context.progress(0, len(employees), phase="Sending")

    def progress(done: int, total: int) -> None:
        try:
            context.progress(done, total)
        except JobCancelled:
            raise JobCancelled(
                f"Cancelled after {done:,} of {total:,} employees: the invitations sent "
                "stay sent; the others were not sent."
            ) from None

    with get_connection() as connection:
        sent, skipped = services.invitations_send_many(
            employees=employees,
            by=job.created_by,
            site_url=job.params["site_url"],
            connection=connection,
            progress=progress,
        )
    errors = [{"row": 0, "column": e.employee_id, "message": why} for e, why in skipped]
    context.message = f"Sent {sent:,} invitation{'s' if sent != 1 else ''}." + (
        f" {len(errors):,} could not be sent." if errors else ""
    )
    context.report = {"errors": errors, "errors_total": len(errors), "notes": []}
