"""The admin applies the same rules as the pages."""

import pytest
from pytest_django.asserts import assertContains

from employees.models import Department, Employee

from .factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def test_admin_normalises_and_checks_duplicates_in_any_case(admin_client):
    department = DepartmentFactory()
    EmployeeFactory(employee_id="EMP001", full_name="John Doe", email="john@example.com")
    data = {
        "employee_id": "emp001",
        "full_name": "Jane Smith",
        "email": "JOHN@example.com",
        "department": department.pk,
        "date_joined": "2024-01-01",
        "is_active": "on",
    }
    response = admin_client.post("/admin/employees/employee/add/", data)
    assertContains(response, "EMP001 is already the employee code of John Doe (EMP001).")
    assertContains(response, "john@example.com is already the email of John Doe (EMP001).")
    assert Employee.objects.count() == 1

    data.update(employee_id=" emp002 ", email=" Jane@Example.com ")
    admin_client.post("/admin/employees/employee/add/", data)
    assert Employee.objects.filter(employee_id="EMP002", email="jane@example.com").exists()


def test_admin_refuses_a_department_name_in_another_case(admin_client):
    DepartmentFactory(name="Sales")
    response = admin_client.post("/admin/employees/department/add/", {"name": "SALES"})
    assertContains(response, "A department with this name already exists.")
    assert Department.objects.count() == 1


def test_admin_lists_search_and_filter(admin_client, django_assert_max_num_queries):
    EmployeeFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        response = admin_client.get(
            "/admin/employees/employee/", {"q": "EMP", "is_active__exact": "1"}
        )
    assert response.status_code == 200
    assert admin_client.get("/admin/employees/department/").status_code == 200
