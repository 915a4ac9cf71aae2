"""What the employee and department forms accept, and what they say when they refuse."""

import pytest

from employees.forms import DepartmentForm, EmployeeForm

from .factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory(name="Engineering")


def employee_data(dept, /, **overrides):
    data = {
        "employee_id": "EMP001",
        "full_name": "Jane Smith",
        "email": "jane@example.com",
        "department": str(dept.pk),
        "job_title": "",
        "phone": "",
        "date_joined": "2024-01-15",
        "date_left": "",
    }
    data.update(overrides)
    return data


class TestEmployeeForm:
    def test_normalises_code_email_and_name(self, department):
        form = EmployeeForm(
            employee_data(
                department,
                employee_id=" emp001 ",
                email=" Jane@Example.COM ",
                full_name="  Jane Smith ",
            )
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["employee_id"] == "EMP001"
        assert form.cleaned_data["email"] == "jane@example.com"
        assert form.cleaned_data["full_name"] == "Jane Smith"

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("employee_id", "   ", "Enter an employee code, for example EMP-001."),
            ("full_name", "   ", "Enter the employee's full name."),
            ("email", "", "Enter the employee's email address."),
            ("email", "not-an-email", "Enter a valid email address, for example jane@example.com."),
            (
                "employee_id",
                "EMP 001",
                "Use only letters, digits, “-” and “_” (for example EMP-001).",
            ),
            ("employee_id", "E" * 21, "Ensure this value has at most 20 characters (it has 21)."),
            ("full_name", "x" * 101, "Ensure this value has at most 100 characters (it has 101)."),
            (
                "department",
                "999999",
                "That department does not exist (any more). Choose one from the list.",
            ),
            ("department", "", "Choose a department."),
            ("date_joined", "31/02/2024", "Enter the joining date as YYYY-MM-DD."),
            ("date_left", "2023-12-31", "The leaving date cannot be before the joining date."),
        ],
    )
    def test_bad_input_gets_a_message_beside_its_field(self, department, field, value, message):
        form = EmployeeForm(employee_data(department, **{field: value}))
        assert not form.is_valid()
        assert form.errors[field] == [message]

    def test_duplicate_code_in_another_case_names_the_employee(self, department):
        EmployeeFactory(employee_id="EMP001", full_name="John Doe")
        form = EmployeeForm(employee_data(department, employee_id="emp001"))
        assert not form.is_valid()
        assert form.errors["employee_id"] == [
            "EMP001 is already the employee code of John Doe (EMP001)."
        ]

    def test_duplicate_email_in_another_case_names_the_employee(self, department):
        EmployeeFactory(employee_id="EMP009", full_name="John Doe", email="jane@example.com")
        form = EmployeeForm(employee_data(department, email="JANE@example.com"))
        assert not form.is_valid()
        assert form.errors["email"] == [
            "jane@example.com is already the email of John Doe (EMP009)."
        ]

    def test_editing_keeps_own_code_and_email(self, department):
        employee = EmployeeFactory(employee_id="EMP001", email="jane@example.com")
        form = EmployeeForm(employee_data(department, full_name="Jane Jones"), instance=employee)
        assert form.is_valid(), form.errors

    def test_new_employee_joins_today_by_default(self, department):
        from django.utils import timezone

        assert EmployeeForm()["date_joined"].value() == timezone.localdate()

    def test_unknown_fields_in_a_tampered_post_are_ignored(self, department):
        form = EmployeeForm(
            employee_data(department, is_active="false", id="x", created_at="2000-01-01")
        )
        assert form.is_valid(), form.errors
        assert set(form.cleaned_data) == set(EmployeeForm.Meta.fields)


class TestDepartmentForm:
    def test_trims_the_name(self):
        form = DepartmentForm({"name": "  Sales  "})
        assert form.is_valid()
        assert form.cleaned_data["name"] == "Sales"

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("", "Enter a department name."),
            ("    ", "Enter a department name."),
            ("x" * 101, "Ensure this value has at most 100 characters (it has 101)."),
            ("SALES", "A department with this name already exists."),
        ],
    )
    def test_bad_names_are_refused_with_a_reason(self, name, message):
        DepartmentFactory(name="Sales")
        form = DepartmentForm({"name": name})
        assert not form.is_valid()
        assert form.errors["name"] == [message]

    def test_renaming_to_another_case_of_itself_is_allowed(self):
        department = DepartmentFactory(name="Sales")
        form = DepartmentForm({"name": "SALES"}, instance=department)
        assert form.is_valid(), form.errors
