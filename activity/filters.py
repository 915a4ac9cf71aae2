"""The activity log's filters."""

import django_filters
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model

from core.filters import FilterSet
from core.forms import DATE_WIDGET

from .selectors import KINDS, content_types, visible_entries


def _people(request):
    """Who the filter offers: anyone for a user who sees every department; for a limited
    user, only those who changed something they may see."""
    people = get_user_model().objects.order_by("username")
    if request is None or not request.scope.is_limited:
        return people
    return people.filter(pk__in=visible_entries(scope=request.scope).values("actor"))


class ActivityFilter(FilterSet):
    """The activity log's filters: who, which kind of record, what happened, when."""

    user = django_filters.ModelChoiceFilter(
        field_name="actor",
        queryset=_people,
        empty_label="Anyone",
        label="Who",
    )
    kind = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (_, _, label) in KINDS.items()],
        method="by_kind",
        empty_label="Every kind",
        label="Record",
    )
    action = django_filters.ChoiceFilter(
        choices=[
            (LogEntry.Action.CREATE, "Added"),
            (LogEntry.Action.UPDATE, "Changed"),
            (LogEntry.Action.DELETE, "Deleted"),
            (LogEntry.Action.ACCESS, "Downloads, imports, lockouts"),
        ],
        empty_label="Any change",
        label="Change",
    )
    start = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label="From",
        widget=DATE_WIDGET,
    )
    end = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label="To",
        widget=DATE_WIDGET,
    )

    class Meta:
        model = LogEntry
        fields = ["user", "kind", "action", "start", "end"]

    def by_kind(self, queryset, name, value):
        return queryset.filter(content_type=content_types()[value])
