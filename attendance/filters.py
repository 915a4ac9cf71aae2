import django_filters
from django.db.models import Q

from core.filters import FilterSet
from core.forms import DATE_WIDGET, QuickSelect
from employees.filters import visible_departments

from .models import AttendanceRecord


class AttendanceFilter(FilterSet):
    """The attendance list's filters, read from the query string."""

    employee = django_filters.CharFilter(method="by_employee", label="Employee")
    department = django_filters.ModelChoiceFilter(
        field_name="employee__department",
        queryset=visible_departments,
        empty_label="All departments",
        label="Department",
        widget=QuickSelect,
    )
    start = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=DATE_WIDGET
    )
    end = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", widget=DATE_WIDGET
    )
    status = django_filters.ChoiceFilter(
        choices=AttendanceRecord.Status.choices, empty_label="Any status", label="Status"
    )

    class Meta:
        model = AttendanceRecord
        fields = ["employee", "department", "start", "end", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["employee"].widget.input_type = "search"
        self.form.fields["employee"].widget.attrs.update(
            placeholder="Name or code", autocomplete="off"
        )

    def by_employee(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(employee__full_name__icontains=value) | Q(employee__employee_id__icontains=value)
        )
