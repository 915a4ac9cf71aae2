"""The write paths: what they save, what they refuse, and that a refusal saves nothing."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from employees import services
from employees.models import Department, Employee

from .factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def new_employee(department, **overrides):
    fields = {
        "employee_id": "EMP001",
        "full_name": "Jane Smith",
        "email": "jane@example.com",
        "department": department,
    }
    fields.update(overrides)
    return services.employee_create(**fields)


class TestEmployeeCreate:
    def test_creates_an_active_employee_joining_today_by_default(self):
        employee = new_employee(DepartmentFactory())
        employee.refresh_from_db()
        assert employee.is_active
        assert employee.date_joined == timezone.localdate()

    def test_duplicate_code_is_refused_and_nothing_is_saved(self):
        department = DepartmentFactory()
        new_employee(department)
        with pytest.raises(ValidationError) as error:
            new_employee(department, email="other@example.com")
        assert "employee_id" in error.value.message_dict
        assert Employee.objects.count() == 1

    def test_a_duplicate_that_slips_past_validation_is_caught_by_the_database(self, monkeypatch):
        """Two requests at once: both pass validation, the database refuses the second."""
        department = DepartmentFactory()
        EmployeeFactory(employee_id="EMP001", full_name="First Clerk's Entry")
        real_full_clean = Employee.full_clean
        calls = []

        def full_clean_that_misses_the_first_time(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                return None  # as if the other request had not committed yet
            return real_full_clean(self, *args, **kwargs)

        monkeypatch.setattr(Employee, "full_clean", full_clean_that_misses_the_first_time)
        with pytest.raises(ValidationError) as error:
            new_employee(department)
        assert error.value.message_dict["employee_id"] == [
            "EMP001 is already the employee code of First Clerk's Entry (EMP001)."
        ]
        assert Employee.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_creating_the_same_code_at_once_get_one_employee_and_one_message(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    department = DepartmentFactory()
    both_validated = threading.Barrier(2, timeout=10)
    real_full_clean = Employee.full_clean
    local = threading.local()

    def full_clean_then_wait(self, *args, **kwargs):
        real_full_clean(self, *args, **kwargs)
        if not getattr(local, "waited", False):
            local.waited = True
            both_validated.wait()  # both requests have checked; now both save

    monkeypatch.setattr(Employee, "full_clean", full_clean_then_wait)
    outcomes = []

    def clerk(email):
        try:
            new_employee(department, email=email)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.message_dict)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(f"clerk{n}@example.com",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Employee.objects.filter(employee_id="EMP001").count() == 1
    assert sorted(outcomes, key=str) == sorted(
        ["saved", {"employee_id": ["EMP001 is already the employee code of Jane Smith (EMP001)."]}],
        key=str,
    )


class TestEmployeeUpdate:
    def test_changes_the_given_fields(self):
        employee = EmployeeFactory(full_name="Jane Smith")
        services.employee_update(employee=employee, full_name="Jane Jones", job_title="Lead")
        employee.refresh_from_db()
        assert (employee.full_name, employee.job_title) == ("Jane Jones", "Lead")

    def test_refuses_a_field_that_is_not_editable(self):
        with pytest.raises(TypeError):
            services.employee_update(employee=EmployeeFactory(), is_active=False)

    def test_refused_change_saves_nothing(self):
        EmployeeFactory(email="taken@example.com")
        employee = EmployeeFactory(full_name="Jane Smith")
        with pytest.raises(ValidationError):
            services.employee_update(
                employee=employee, full_name="Changed", email="taken@example.com"
            )
        employee.refresh_from_db()
        assert employee.full_name == "Jane Smith"


class TestDeactivateAndReactivate:
    def test_deactivating_sets_today_as_last_day_unless_given(self):
        employee = services.employee_deactivate(employee=EmployeeFactory())
        employee.refresh_from_db()
        assert not employee.is_active
        assert employee.date_left == timezone.localdate()

    def test_deactivating_uses_the_given_last_day(self):
        day = timezone.localdate() - datetime.timedelta(days=3)
        employee = services.employee_deactivate(employee=EmployeeFactory(), date_left=day)
        employee.refresh_from_db()
        assert employee.date_left == day

    def test_last_day_before_joining_is_refused(self):
        employee = EmployeeFactory(date_joined=datetime.date(2024, 5, 1))
        with pytest.raises(ValidationError) as error:
            services.employee_deactivate(employee=employee, date_left=datetime.date(2024, 4, 1))
        assert error.value.message_dict == {
            "date_left": ["The leaving date cannot be before the joining date."]
        }
        employee.refresh_from_db()
        assert employee.is_active

    def test_deactivating_twice_is_refused(self):
        employee = services.employee_deactivate(employee=EmployeeFactory(full_name="Jane Smith"))
        with pytest.raises(ValidationError, match="already inactive"):
            services.employee_deactivate(employee=employee)

    def test_reactivating_clears_the_leaving_date(self):
        employee = services.employee_deactivate(employee=EmployeeFactory())
        services.employee_reactivate(employee=employee)
        employee.refresh_from_db()
        assert employee.is_active
        assert employee.date_left is None

    def test_reactivating_an_active_employee_is_refused(self):
        with pytest.raises(ValidationError, match="already active"):
            services.employee_reactivate(employee=EmployeeFactory())


class TestDepartments:
    def test_create_and_rename(self):
        department = services.department_create(name="Sales")
        services.department_rename(department=department, name="Sales & Marketing")
        assert Department.objects.get().name == "Sales & Marketing"

    def test_duplicate_name_in_another_case_is_refused(self):
        services.department_create(name="Sales")
        with pytest.raises(ValidationError) as error:
            services.department_create(name="sAlEs")
        assert error.value.message_dict == {"name": ["A department with this name already exists."]}
        assert Department.objects.count() == 1

    def test_deleting_a_department_with_employees_says_how_many(self):
        department = DepartmentFactory(name="Sales")
        EmployeeFactory.create_batch(2, department=department)
        EmployeeFactory(department=department, is_active=False, date_left=timezone.localdate())
        with pytest.raises(ValidationError) as error:
            services.department_delete(department=department)
        assert error.value.messages == [
            "Sales cannot be deleted: it still has 3 employees (1 of them inactive). "
            "Move them to another department or delete them first."
        ]
        assert Department.objects.filter(pk=department.pk).exists()

    def test_deleting_an_empty_department(self):
        services.department_delete(department=DepartmentFactory())
        assert not Department.objects.exists()


class TestEmploymentDatesAndAttendance:
    def test_joining_date_after_existing_records_is_refused(self):
        # Records are made through the relation: employees sits below attendance.
        employee = EmployeeFactory(date_joined=datetime.date(2024, 1, 1))
        employee.attendance.create(date=datetime.date(2024, 5, 10), status="present")
        with pytest.raises(ValidationError) as error:
            services.employee_update(employee=employee, date_joined=datetime.date(2024, 6, 1))
        assert error.value.message_dict == {
            "date_joined": [
                f"{employee.full_name} has 1 attendance record before 1 Jun 2024. Choose an "
                "earlier joining date, or delete those records first."
            ]
        }

    def test_leaving_before_existing_records_is_refused(self):
        employee = EmployeeFactory(date_joined=timezone.localdate() - datetime.timedelta(days=30))
        for n in (1, 2):
            employee.attendance.create(
                date=timezone.localdate() - datetime.timedelta(days=n), status="present"
            )
        with pytest.raises(ValidationError) as error:
            services.employee_deactivate(
                employee=employee, date_left=timezone.localdate() - datetime.timedelta(days=3)
            )
        assert "has 2 attendance records after" in error.value.message_dict["date_left"][0]
        employee.refresh_from_db()
        assert employee.is_active
