"""The activity log's filters."""

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model

from .selectors import KINDS, content_types


class ActivityFilter(django_filters.FilterSet):
    """The activity log's filters: who, which kind of record, what happened, when."""

    user = django_filters.ModelChoiceFilter(
        field_name="actor",
        queryset=get_user_model().objects.order_by("username"),
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
        ],
        empty_label="Any change",
        label="Change",
    )
    start = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = LogEntry
        fields = ["user", "kind", "action", "start", "end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.auto_id = "filter_%s"
        self.form.label_suffix = ""

    def by_kind(self, queryset, name, value):
        return queryset.filter(content_type=content_types()[value])
