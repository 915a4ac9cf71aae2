import datetime

from django import forms
from django.utils import timezone

from accounts.scoping import Scope
from attendance.forms import MonthField
from core.forms import QuickSelect
from employees.models import Department
from employees.selectors import department_choices


def last_closable_month() -> datetime.date:
    """The latest month that has ended: last month."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


class CloseForm(forms.Form):
    """Which month to close, for the organisation or one department the user may see."""

    month = MonthField(
        error_messages={"required": "Choose the month to close, for example 2026-03."},
        help_text="A month that has ended.",
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="The whole organisation",
        error_messages={
            "invalid_choice": "That department does not exist. Choose one from the list."
        },
    )

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        kwargs.setdefault("auto_id", "close_%s")
        super().__init__(data, **kwargs)
        self.fields["department"].queryset = department_choices(scope=scope)
        self.fields["month"].widget.attrs["max"] = last_closable_month().isoformat()[:7]
        if scope.is_limited:  # the organisation is not theirs to close
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
            self.fields["department"].error_messages["required"] = "Choose the department."

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > last_closable_month():
            raise forms.ValidationError(
                "That month has not ended yet. A month can be closed once its last day is over.",
                code="not_ended",
            )
        return month


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the month's history: for example, a late sick note for 12 March.",
        error_messages={"required": "Say why the month is reopened."},
    )


class ExportForm(forms.Form):
    """The payroll export's choices, from the query string."""

    format = forms.ChoiceField(
        choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")],
        required=False,
        error_messages={"invalid_choice": "Exports come as CSV or XLSX."},
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": "That department does not exist. Choose one from the list."
        },
    )

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["department"].queryset = department_choices(scope=scope)
