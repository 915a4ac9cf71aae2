"""The activity log: every change to HRMS records."""

from django.contrib.auth.decorators import permission_required
from django.views.decorators.http import require_safe

from core import audit
from core.htmx import render_page
from core.pagination import CappedPaginator

from . import selectors
from .filters import ActivityFilter

ACTIVITY_PER_PAGE = 50


@require_safe
@permission_required("auditlog.view_logentry", raise_exception=True)
def activity(request):
    """Every change to HRMS records: who, when, and the old and new values."""
    entries = selectors.visible_entries(scope=request.scope)
    filterset = ActivityFilter(request.GET, queryset=entries, request=request)
    page = CappedPaginator(filterset.qs, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "entries": audit.describe(page.object_list)}
    return render_page(request, "activity/activity.html", context, partial="results")
