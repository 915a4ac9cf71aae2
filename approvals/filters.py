import django_filters
from django.db.models import Q

from core.filters import FilterSet
from core.forms import DATE_WIDGET, QuickSelect
from employees.filters import visible_departments

from .models import Kind, Request


class InboxFilter(FilterSet):
    """The approvals inbox's filters, read from the query string."""

    q = django_filters.CharFilter(method="by_person", label="Employee")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Every kind", label="Kind")
    department = django_filters.ModelChoiceFilter(
        field_name="employee__department",
        queryset=visible_departments,
        empty_label="All departments",
        label="Department",
        widget=QuickSelect,
    )
    start = django_filters.DateFilter(
        field_name="end", lookup_expr="gte", label="Days from", widget=DATE_WIDGET
    )
    end = django_filters.DateFilter(
        field_name="start", lookup_expr="lte", label="Days to", widget=DATE_WIDGET
    )

    class Meta:
        model = Request
        fields = ["q", "kind", "department", "start", "end"]

    def by_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(employee__full_name__icontains=value) | Q(employee__employee_id__iexact=value)
        )
