import django_filters

from core.filters import FilterSet
from core.forms import QuickSelect

from .models import Employee
from .selectors import department_choices, employees_matching


def visible_departments(request):
    """The department filter offers only the departments the user may see."""
    return department_choices(scope=request.scope)


STATUS_CHOICES = [("active", "Active"), ("inactive", "Inactive"), ("all", "All")]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Order by the chosen column, then by code.

    Codes are unique, so the order is total: pages never overlap or skip a row, and
    a page read backwards from the end of the list holds the same rows.
    """

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, "employee_id")


class EmployeeFilter(FilterSet):
    """The directory's search, filters and sort order, read from the query string."""

    q = django_filters.CharFilter(method="search", label="Search")
    department = django_filters.ModelChoiceFilter(
        queryset=visible_departments, empty_label="All departments", widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="by_status", empty_label=None, label="Status"
    )
    sort = StableOrderingFilter(
        fields=(
            ("full_name", "name"),
            ("employee_id", "code"),
            ("department__name", "department"),
            ("date_joined", "joined"),
        ),
        field_labels={
            "full_name": "Name",
            "employee_id": "Code",
            "department__name": "Department",
            "date_joined": "Date joined",
        },
        empty_label=None,
        label="Sort by",
    )

    class Meta:
        model = Employee
        fields = ["q", "department", "status"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "active")
        data.setdefault("sort", "name")
        kwargs.setdefault("prefix", None)
        super().__init__(data, *args, **kwargs)
        self.form.fields["q"].widget.input_type = "search"

    def sort_columns(self) -> dict[str, dict]:
        """For each sortable column: its label, how it is sorted now, and the next sort."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        current = (data.get("sort") or ["name"])[0]
        columns = {}
        for key, label in (
            ("code", "Code"),
            ("name", "Name"),
            ("department", "Department"),
            ("joined", "Joined"),
        ):
            aria_sort = {key: "ascending", f"-{key}": "descending"}.get(current)
            columns[key] = {
                "label": label,
                "aria_sort": aria_sort,
                "next": f"-{key}" if aria_sort == "ascending" else key,
            }
        return columns

    def search(self, queryset, name, value):
        value = value.strip()
        return employees_matching(queryset, value) if value else queryset

    def by_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "inactive":
            return queryset.filter(is_active=False)
        return queryset
