from django import forms
from django.core.exceptions import ValidationError

from attendance.models import Status
from core.forms import DATE_WIDGET, QuickSelect
from leave.models import Leave, LeaveType

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ForWhomMixin:
    """An "Employee code" field for those who may ask for others (HR, a manager); the
    signed-in employee by default. `askable`: the employees they may ask for."""

    def setup_employee(self, askable, own):
        self.askable, self.own = askable, own
        if own is not None:
            self.fields["employee"].initial = own.employee_id
            self.fields["employee"].required = False

    def clean_employee(self):
        code = (self.cleaned_data.get("employee") or "").strip().upper()
        if not code:
            if self.own is None:
                raise ValidationError("Enter the employee's code.")
            return self.own
        found = self.askable.filter(employee_id__iexact=code).first()
        if found is None:
            raise ValidationError(f"No employee you may ask for has the code “{code}”.")
        return found


class LeaveRequestForm(ForWhomMixin, forms.Form):
    employee = forms.CharField(label="Employee code", max_length=20)
    leave_type = forms.ModelChoiceField(
        queryset=LeaveType.objects.filter(is_active=True),
        label="Type of leave",
        empty_label=None,
        widget=QuickSelect,
    )
    start = forms.DateField(label="First day", widget=DATE_WIDGET)
    end = forms.DateField(label="Last day", widget=DATE_WIDGET)
    part = forms.ChoiceField(
        label="Days", choices=Leave.Part.choices, initial=Leave.Part.FULL, widget=QuickSelect
    )
    reason = forms.CharField(label="Why", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, askable, own, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_employee(askable, own)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end is None and "end" not in self.errors:
            cleaned["end"] = start
        return cleaned


class CorrectionRequestForm(ForWhomMixin, forms.Form):
    employee = forms.CharField(label="Employee code", max_length=20)
    start = forms.DateField(label="First day", widget=DATE_WIDGET)
    end = forms.DateField(label="Last day", widget=DATE_WIDGET)
    set_status = forms.ChoiceField(
        label="Mark the days as",
        choices=[("", "Leave the status to the punches"), *Status.choices],
        required=False,
        widget=QuickSelect,
    )
    check_in = forms.TimeField(label="Add a check-in at", required=False, widget=TIME_WIDGET)
    check_out = forms.TimeField(label="Add a check-out at", required=False, widget=TIME_WIDGET)
    reason = forms.CharField(label="Why", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, askable, own, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_employee(askable, own)


class DecideForm(forms.Form):
    """The inbox's bulk form: the requests ticked, approve or reject, and a comment."""

    ids = forms.TypedMultipleChoiceField(coerce=str, required=False)
    action = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(
        label="Comment", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ids: the service decides only those the user may, and says why of the rest.
        self.fields["ids"].valid_value = lambda value: True

    def clean_ids(self):
        import uuid

        ids = []
        for value in self.cleaned_data["ids"]:
            try:
                ids.append(uuid.UUID(value))
            except ValueError:
                raise ValidationError("Tick the requests to decide.") from None
        if not ids:
            raise ValidationError("Tick the requests to decide.")
        if len(ids) > 1000:
            raise ValidationError("Decide at most 1,000 requests at once.")
        return ids


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
