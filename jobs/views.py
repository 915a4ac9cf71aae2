"""Background jobs as their users follow them: a page per job with live progress, its
result to download, cancel; and the list of recent jobs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.audit import log_event
from core.htmx import render_page

from . import files, selectors, services
from .models import Job
from .registry import KINDS

PER_PAGE = 25


@require_safe
def job_list(request):
    jobs = selectors.jobs_visible(user=request.user, scope=request.scope)
    page = Paginator(jobs, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(request, "jobs/job_list.html", {"page": page}, partial="results")


@require_safe
def job_detail(request, pk):
    job = _job(request, pk)
    kind = KINDS.get(job.kind)
    context = {
        "job": job,
        "done_url": kind.done_url if kind else "",
        "report": job.report or {},
        "may_download": _may_download(job),
        "poll": not job.is_finished,
    }
    return render_page(request, "jobs/job_detail.html", context, partial="status")


@require_POST
def job_cancel(request, pk):
    job = _job(request, pk)
    if job.created_by_id != request.user.pk and not request.user.has_perm("jobs.change_job"):
        raise PermissionDenied
    try:
        job = services.job_cancel(job=job, by=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if job.state == Job.State.CANCELLED:
            messages.success(request, "Cancelled; nothing was changed.")
        else:
            messages.info(request, "Cancelling: the job stops at its next step.")
    return redirect(job)


@require_safe
def job_download(request, pk):
    job = _job(request, pk)
    if not _may_download(job):
        context = {"job": job}
        return render(request, "jobs/job_gone.html", context, status=410 if job.expires_at else 404)
    log_event(model=Job, what=f"Downloaded {job.result_name} ({job.title})", actor=request.user)
    response = files.result_response(job)
    response["Content-Length"] = str(job.result_size)
    return response


def _job(request, pk) -> Job:
    return get_object_or_404(selectors.jobs_visible(user=request.user, scope=request.scope), pk=pk)


def _may_download(job: Job) -> bool:
    return bool(job.result_size) and job.expires_at is not None and job.expires_at > timezone.now()
