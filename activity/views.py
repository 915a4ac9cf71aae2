"""The activity log: every change to HRMS records."""

from django.contrib.auth.decorators import permission_required
from django.views.decorators.http import require_safe

from core import audit
from core.htmx import render_page
from core.pagination import filtered_page

from . import selectors
from .filters import ActivityFilter

PER_PAGE = 50


@require_safe
@permission_required("auditlog.view_logentry", raise_exception=True)
def activity(request):
    """Every change to HRMS records: who, when, and the old and new values."""
    entries = selectors.visible_entries(scope=request.scope)
    filterset, page = filtered_page(request, ActivityFilter, entries, per_page=PER_PAGE)
    context = {"filter": filterset, "page": page, "entries": audit.describe(page.object_list)}
    return render_page(request, "activity/activity.html", context, partial="results")
