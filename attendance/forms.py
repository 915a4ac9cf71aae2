import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.scoping import Scope
from core.forms import DATE_WIDGET, QuickSelect
from employees.models import Department, Employee
from employees.selectors import department_choices

from . import services
from .models import AttendanceRecord, Holiday

Status = AttendanceRecord.Status
DATE_ERRORS = {"invalid": "Enter the date as YYYY-MM-DD, for example 2026-03-31."}


class PickerForm(forms.Form):
    """A page's choice of a period (with a default) and, optionally, one department the
    user may see; read from the query string."""

    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="All departments",
        error_messages={
            "invalid_choice": "That department does not exist. Choose one from the list."
        },
    )
    defaults: dict = {}  # field name -> a function giving its default value
    prefix_id = "picker"

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        data = data.copy() if data is not None else {}
        for name, default in self.defaults.items():
            if not data.get(name):
                data[name] = default()
        kwargs.setdefault("auto_id", f"{self.prefix_id}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.fields["department"].queryset = department_choices(scope=scope)


class RosterDayForm(PickerForm):
    """Which day, and optionally which department, the roster shows."""

    date = forms.DateField(widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    field_order = ["date", "department"]
    defaults = {"date": lambda: timezone.localdate().isoformat()}
    prefix_id = "day"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_date(self):
        day = self.cleaned_data["date"]
        services.check_not_future(day)
        return day


class RosterForm:
    """The rows of a roster POST: `status_<code>` (chosen) and `seen_<code>` (shown) per employee.

    Every code must be one of `employees`, the roster's own rows by employee code;
    anything else means the page is out of date or the request was tampered with.
    """

    @staticmethod
    def codes(data) -> set[str]:
        """The employee codes a POST names: its rows, and the row saved alone (`only`)."""
        codes = {
            code
            for prefix, _, code in (key.partition("_") for key in data)
            if prefix in ("status", "seen")
        }
        if data.get("only"):
            codes.add(data["only"])
        # A NUL is in no code, and PostgreSQL cannot even look one up: such a row is
        # simply not on the roster (the form then says the page is out of date).
        return {code for code in codes if "\x00" not in code}

    def __init__(self, data, *, employees: dict[str, Employee]):
        self.data = data
        self.employees = employees
        self.errors: list[str] = []
        self.entries: list[services.RosterEntry] = []

    def is_valid(self) -> bool:
        chosen = {}
        for key in self.data:
            prefix, _, code = key.partition("_")
            if prefix not in ("status", "seen"):
                continue
            if code not in self.employees:
                self.errors.append(
                    "The roster you sent lists an employee who is not on it for this day. "
                    "Nothing was saved: reload the roster and mark it again."
                )
                return False
            if prefix == "status":
                chosen[code] = self.data.get(key, "")
        only = self.data.get("only")
        if only is not None and only not in self.employees:
            self.errors.append("That row is not on this roster. Reload the roster.")
            return False
        for code, status in chosen.items():
            if only is not None and code != only:
                continue
            if status and status not in Status.values:
                self.errors.append(
                    f"“{status}” is not a status. Choose one of: " + ", ".join(Status.labels) + "."
                )
                return False
            self.entries.append(
                services.RosterEntry(
                    employee=self.employees[code],
                    status=status,
                    seen=self.data.get(f"seen_{code}", ""),
                )
            )
        return True

    def chosen(self) -> dict[str, str]:
        """What the user chose for each row, to show again if the save is refused."""
        return {entry.employee.employee_id: entry.status for entry in self.entries}


class AttendanceForm(forms.ModelForm):
    """Correct a record: its status and note."""

    class Meta:
        model = AttendanceRecord
        fields = ["status", "note"]
        widgets = {"status": forms.RadioSelect}
        error_messages = {
            "status": {
                "required": "Choose a status.",
                "invalid_choice": "“%(value)s” is not a status. Choose one from the list.",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A record always has a status: no empty "---------" choice among the statuses.
        self.fields["status"].choices = AttendanceRecord.Status.choices


class AttendanceAdminForm(forms.ModelForm):
    """The admin's form: the same rules as every other path (limited by the admin class)."""

    class Meta:
        model = AttendanceRecord
        fields = ["employee", "date", "status", "note"]

    def clean(self):
        cleaned = super().clean()
        employee, day = cleaned.get("employee"), cleaned.get("date")
        if employee and day:
            try:
                services.attendance_check(employee=employee, day=day)
            except ValidationError as error:
                self.add_error("date", error)
        return cleaned


class PeriodForm(forms.Form):
    """A date range, this month so far by default."""

    start = forms.DateField(label="From", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    end = forms.DateField(label="To", widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        data = data.copy() if data is not None else {}
        if not data.get("start"):
            data["start"] = today.replace(day=1).isoformat()
        if not data.get("end"):
            data["end"] = today.isoformat()
        kwargs.setdefault("auto_id", "period_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the period cannot be before its start.")
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period, or this month so far when the input is invalid."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        today = timezone.localdate()
        return today.replace(day=1), today


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": DATE_WIDGET}
        error_messages = {
            "date": {"required": "Enter the holiday's date.", **DATE_ERRORS},
            "name": {"required": "Enter the holiday's name, for example New Year's Day."},
        }
        help_texts = {"name": "For example: New Year's Day."}


class MonthField(forms.DateField):
    """A month as YYYY-MM, cleaned to its first day.

    Pages link to the months either side of the one shown: both must be real dates, so
    the year is kept between FIRST_YEAR and LAST_YEAR.
    """

    FIRST_YEAR, LAST_YEAR = 1900, 2999
    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_error_messages = {
        "invalid": "Enter the month as YYYY-MM, for example 2026-03.",
        "out_of_range": f"Choose a month between {FIRST_YEAR} and {LAST_YEAR}.",
    }

    def validate(self, value):
        super().validate(value)
        if value and not self.FIRST_YEAR <= value.year <= self.LAST_YEAR:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")


class RegisterForm(PickerForm):
    """Which month, and optionally which department, the register shows."""

    month = MonthField()
    field_order = ["month", "department"]
    defaults = {"month": lambda: timezone.localdate().strftime("%Y-%m")}
    prefix_id = "register"


class CalendarMonthForm(forms.Form):
    """Which month the profile's calendar shows: this month unless another is chosen."""

    month = MonthField(required=False)

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("auto_id", "calendar_%s")
        super().__init__(data, **kwargs)

    def first_day(self) -> datetime.date:
        """The chosen month's first day; this month's when none, or an invalid one, is given."""
        if self.is_valid() and self.cleaned_data["month"]:
            return self.cleaned_data["month"]
        return timezone.localdate().replace(day=1)


class RangeForm(forms.Form):
    """Mark one employee with one status over several days."""

    start = forms.DateField(label="First day", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    end = forms.DateField(label="Last day", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    status = forms.ChoiceField(
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a status.",
            "invalid_choice": "“%(value)s” is not a status. Choose one from the list.",
        },
    )
    note = forms.CharField(
        max_length=200, required=False, help_text="Optional, for example: annual leave."
    )
    overwrite = forms.BooleanField(
        label="Replace days that are already marked",
        required=False,
        help_text="Left unticked, days that already have a record keep it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].widget.attrs["max"] = timezone.localdate().isoformat()
