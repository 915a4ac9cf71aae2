import functools

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.scoping import EVERYTHING, Scope
from core.forms import DATE_WIDGET, QuickSelect

from .models import EMPLOYEE_FIELDS, Department, Employee
from .selectors import department_choices


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name"]
        error_messages = {"name": {"required": "Enter a department name."}}


class ManagerByCode(forms.Field):
    """A manager given by their employee code: a list of 100,000 names is no picker."""

    def __init__(self, *, scope: Scope = EVERYTHING, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.employee_id if isinstance(value, Employee) else value

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": "20"}

    def to_python(self, value):
        code = str(value or "").strip().upper()
        if not code:
            return None
        manager = None
        if len(code) <= 20:
            found = self.scope.limit(Employee.objects.all(), "department")
            manager = found.filter(employee_id=code).first()
        if manager is None:
            raise ValidationError(f"No employee has the code {code[:20]}.", code="unknown_manager")
        return manager


class EmployeeForm(forms.ModelForm):
    manager = ManagerByCode(
        required=False,
        label="Manager",
        help_text="The employee code of the person they report to, for example EMP-001. "
        "Leave empty if they report to no one here.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    class Meta:
        model = Employee
        fields = EMPLOYEE_FIELDS
        widgets = {
            "employee_id": forms.TextInput(attrs={"autocapitalize": "characters"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "date_joined": DATE_WIDGET,
            "date_left": DATE_WIDGET,
            "department": QuickSelect,
        }
        help_texts = {"date_left": "Leave empty while the employee works here."}
        error_messages = {
            "employee_id": {"required": "Enter an employee code, for example EMP-001."},
            "full_name": {"required": "Enter the employee's full name."},
            "email": {
                "required": "Enter the employee's email address.",
                "invalid": "Enter a valid email address, for example jane@example.com.",
            },
            "department": {
                "required": "Choose a department.",
                "invalid_choice": (
                    "That department does not exist (any more). Choose one from the list."
                ),
            },
            "date_joined": {
                "required": "Enter the date the employee joined.",
                "invalid": "Enter the joining date as YYYY-MM-DD.",
            },
            "date_left": {"invalid": "Enter the leaving date as YYYY-MM-DD."},
        }

    def __init__(self, *args, scope: Scope = EVERYTHING, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # The admin leaves out the fields a user may only view.
        if "department" in self.fields:
            self.fields["department"].empty_label = "Choose a department"
            # A user limited to some departments can only pick those.
            self.fields["department"].queryset = department_choices(scope=scope)
        if "date_joined" in self.fields and self.instance._state.adding:
            self.fields["date_joined"].initial = timezone.localdate
        if "manager" in self.fields:
            self.fields["manager"].scope = scope
            if self.instance.manager_id and not self.is_bound:
                self.initial["manager"] = self.instance.manager.employee_id

    def clean_employee_id(self):
        return self.cleaned_data["employee_id"].upper()

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean(self):
        cleaned = super().clean()
        manager = cleaned.get("manager")
        if manager is not None and manager.pk != self.instance.manager_id:
            # The service checks again, holding the lines until it saves.
            probe = Employee(
                pk=self.instance.pk, manager=manager, full_name=self.instance.full_name
            )
            probe._state.adding = self.instance._state.adding
            if loop := probe.reporting_loop():
                self.add_error("manager", loop)
        return cleaned

    def clean_manager(self):
        manager = self.cleaned_data["manager"]
        if manager is None or manager.pk == self.instance.manager_id:
            return manager
        if manager.pk == self.instance.pk:
            raise ValidationError("An employee cannot be their own manager.", code="own_manager")
        if not manager.is_active:
            raise ValidationError(
                f"{manager.full_name} no longer works here: choose a current employee.",
                code="manager_left",
            )
        return manager

    def validate_unique(self):
        super().validate_unique()
        # A duplicate names the employee who holds the code or email, unless that
        # employee is in a department the user may not see.
        for field in ("employee_id", "email"):
            if not self.has_error(field, code="unique") or not self.scope.is_limited:
                continue
            value = getattr(self.instance, field)
            holder = Employee.objects.filter(**{field: value}).exclude(pk=self.instance.pk).first()
            if holder is not None and not self.scope.allows(holder.department_id, holder.pk):
                label = "employee code" if field == "employee_id" else "email"
                self.errors[field] = self.error_class(
                    [f"This {label} is already used by another employee."]
                )


class DeactivateForm(forms.Form):
    date_left = forms.DateField(
        label="Last working day",
        required=False,
        widget=DATE_WIDGET,
        help_text="Leave empty to use today.",
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )


class DepartmentByName(forms.Field):
    """A department given by its name, as in an imported file (any case)."""

    def __init__(self, departments: dict[str, Department], **kwargs):
        self.departments = departments
        super().__init__(**kwargs)

    def to_python(self, value):
        name = (value or "").strip()
        if not name:
            raise ValidationError("Enter the employee's department.", code="required")
        department = self.departments.get(name.lower())
        if department is None:
            raise ValidationError(
                f"There is no department named “{name}”. Add it first, or choose to "
                "create missing departments.",
                code="unknown_department",
            )
        return department


class EmployeeImportForm(EmployeeForm):
    """The rows of an imported file: the rules of the employee form, the department by name.

    One form checks every row of a file (`check_row`): building a form costs more than
    checking a row with it. Codes and emails are checked against the database and the
    rest of the file once for the whole file (imports.employees_import), not row by row.
    """

    def __init__(self, *, departments: dict[str, Department]):
        super().__init__({})
        self.fields["department"] = DepartmentByName(departments)
        del self.fields["manager"]  # by code, for the whole file (imports.employees_import)

    def check_row(self, data: dict, *, instance: Employee | None = None) -> bool:
        """Check one row, into `instance` (or a new employee); True if it is valid."""
        self.data = data
        self.instance = instance if instance is not None else Employee()
        self.initial = model_to_dict(self.instance, fields=EMPLOYEE_FIELDS)
        self._errors = None
        self._bound_fields_cache = {}
        # The check constraints hold by construction (the form trims, capitalises the
        # code, lower-cases the email; Employee.clean compares the dates), and the
        # database still enforces them on insert. Checking each one in the database
        # would cost four queries per row.
        self.instance.full_clean = functools.partial(
            Employee.full_clean, self.instance, validate_constraints=False
        )
        return self.is_valid()

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.update(("department", "manager"))  # found for the file, not a query per row
        return exclusions

    def validate_unique(self):
        """Checked for the whole file at once."""
