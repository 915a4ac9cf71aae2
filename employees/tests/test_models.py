"""The database itself refuses data that breaks the directory's rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from employees.models import Department, Employee

from .factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


class TestDepartmentConstraints:
    def test_name_is_unique_ignoring_case_in_the_database(self):
        Department.objects.create(name="Sales")
        with pytest.raises(IntegrityError):
            Department.objects.create(name="SALES")

    @pytest.mark.parametrize("name", ["", " Sales "])
    def test_blank_or_untrimmed_name_is_refused_by_the_database(self, name):
        with pytest.raises(IntegrityError):
            Department.objects.create(name=name)

    def test_duplicate_is_reported_beside_the_name(self):
        Department.objects.create(name="Sales")
        with pytest.raises(ValidationError) as error:
            Department(name="sales").full_clean()
        assert error.value.message_dict == {"name": ["A department with this name already exists."]}

    def test_department_with_employees_cannot_be_deleted(self):
        employee = EmployeeFactory()
        with pytest.raises(IntegrityError):
            Department.objects.filter(pk=employee.department_id).delete()


class TestEmployeeConstraints:
    @pytest.mark.parametrize(
        "fields",
        [
            pytest.param({"employee_id": "emp001"}, id="code_must_be_capitals"),
            pytest.param({"email": "Jane@Example.com"}, id="email_must_be_lower_case"),
            pytest.param({"full_name": "  "}, id="blank_name"),
            pytest.param(
                {"date_joined": datetime.date(2024, 5, 1), "date_left": datetime.date(2024, 4, 30)},
                id="leaving_before_joining",
            ),
        ],
    )
    def test_refused_by_the_database(self, fields):
        with pytest.raises(IntegrityError):
            EmployeeFactory(**fields)

    def test_email_is_unique(self):
        EmployeeFactory(email="jane@example.com")
        with pytest.raises(IntegrityError):
            EmployeeFactory(email="jane@example.com")

    def test_leaving_before_joining_is_reported_beside_the_leaving_date(self):
        employee = EmployeeFactory.build(
            department=DepartmentFactory(),
            date_joined=datetime.date(2024, 5, 1),
            date_left=datetime.date(2024, 4, 30),
        )
        with pytest.raises(ValidationError) as error:
            employee.full_clean()
        assert error.value.message_dict == {
            "date_left": ["The leaving date cannot be before the joining date."]
        }

    def test_duplicate_code_names_the_employee_who_has_it(self):
        EmployeeFactory(employee_id="EMP001", full_name="Jane Smith")
        duplicate = EmployeeFactory.build(employee_id="EMP001", department=DepartmentFactory())
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert error.value.message_dict["employee_id"] == [
            "EMP001 is already the employee code of Jane Smith (EMP001)."
        ]

    def test_deleting_an_employee_leaves_the_department(self):
        employee = EmployeeFactory()
        employee.delete()
        assert Department.objects.filter(pk=employee.department_id).exists()
        assert not Employee.objects.exists()
