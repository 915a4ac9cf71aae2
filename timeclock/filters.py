import django_filters

from core.filters import FilterSet
from core.forms import DATE_WIDGET, QuickSelect
from employees.filters import visible_departments

from .models import DayOutcome
from .selectors import EXCEPTION_KINDS as KINDS

# Which exceptions the inbox lists: each choice, and selectors.exceptions' `resolved`.
STATES = {"open": ("Not resolved", False), "resolved": ("Resolved", True), "all": ("All", None)}


class ExceptionFilter(FilterSet):
    """The exceptions inbox's filters, read from the query string. The state (not
    resolved, when none is chosen) is applied by the view: selectors.exceptions."""

    state = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in STATES.items()],
        method="by_state",
        empty_label=None,
        label="Show",
    )

    kind = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in KINDS.items()],
        method="by_kind",
        empty_label="Every kind",
        label="Kind",
    )
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

    class Meta:
        model = DayOutcome
        fields = ["state", "kind", "department", "start", "end"]

    def by_state(self, queryset, name, value):
        return queryset  # chosen already, by the view

    def by_kind(self, queryset, name, value):
        return queryset.filter(KINDS[value][1]) if value in KINDS else queryset
