"""Which jobs a user may see: their own, and for those who look after jobs
(`jobs.view_job`) and see every department, everyone's."""

from django.db.models import QuerySet

from accounts.scoping import Scope

from .models import Job


def jobs_visible(*, user, scope: Scope) -> QuerySet[Job]:
    jobs = Job.objects.select_related("created_by")
    if user.has_perm("jobs.view_job") and not scope.is_limited:
        return jobs
    # A user limited to some departments sees only their own jobs: another's job (an
    # export of every department, say) may hold what their scope does not.
    return jobs.filter(created_by=user)
