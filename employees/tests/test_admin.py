"""The admin applies the same rules as the pages."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

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


class TestDepartmentLimitsInTheAdmin:
    """A department-limited HR admin meets the same limits in the admin as on the pages."""

    @pytest.fixture
    def client(self, client, limited_hr):
        client.force_login(limited_hr.user)
        return client

    def employee_data(self, department, **extra):
        return {
            "employee_id": "NEW1",
            "full_name": "New Person",
            "email": "new@example.com",
            "department": department.pk,
            "date_joined": "2024-01-01",
            "is_active": "on",
            **extra,
        }

    def test_cannot_add_an_employee_to_another_department(self, client, limited_hr):
        response = client.post(
            "/admin/employees/employee/add/", self.employee_data(limited_hr.outside)
        )
        assertContains(response, "That department does not exist (any more).")
        assert not Employee.objects.exists()
        client.post("/admin/employees/employee/add/", self.employee_data(limited_hr.inside))
        assert Employee.objects.get().department == limited_hr.inside

    def test_cannot_move_an_employee_to_another_department(self, client, limited_hr):
        employee = EmployeeFactory(employee_id="IN1", department=limited_hr.inside)
        data = self.employee_data(limited_hr.outside, employee_id="IN1", email=employee.email)
        response = client.post(f"/admin/employees/employee/{employee.pk}/change/", data)
        assertContains(response, "That department does not exist (any more).")
        employee.refresh_from_db()
        assert employee.department == limited_hr.inside

    def test_the_form_offers_only_their_departments(self, client, limited_hr):
        response = client.get("/admin/employees/employee/add/")
        assertContains(response, ">Inside</option>")
        assertNotContains(response, ">Outside</option>")

    def test_a_duplicate_email_outside_does_not_name_its_holder(self, client, limited_hr):
        EmployeeFactory(
            email="taken@example.com", full_name="Otto Outside", department=limited_hr.outside
        )
        data = self.employee_data(limited_hr.inside, email="taken@example.com")
        response = client.post("/admin/employees/employee/add/", data)
        assertContains(response, "This email is already used by another employee.")
        assertNotContains(response, "Otto Outside")

    def test_the_list_filter_offers_only_their_departments(self, client, limited_hr):
        EmployeeFactory(department=limited_hr.inside)
        second = DepartmentFactory(name="Inside too")  # with one department there is no filter
        limited_hr.user.department_scope.departments.add(second)
        response = client.get("/admin/employees/employee/")
        assertContains(response, f"department__id__exact={limited_hr.inside.pk}")
        assertNotContains(response, f"department__id__exact={limited_hr.outside.pk}")

    def test_cannot_add_a_department(self, client):
        assert client.get("/admin/employees/department/add/").status_code == 403
        assert client.post("/admin/employees/department/add/", {"name": "Mine"}).status_code == 403
        assert not Department.objects.filter(name="Mine").exists()

    def test_another_departments_employee_does_not_exist_for_them(self, client, limited_hr):
        other = EmployeeFactory(department=limited_hr.outside)
        for page in ("change", "history", "delete"):
            response = client.get(f"/admin/employees/employee/{other.pk}/{page}/", follow=True)
            assertContains(response, "doesn’t exist")


def test_a_staff_user_who_may_only_view_employees_sees_the_change_page(client, user_with):
    user = user_with("employees.view_employee", "employees.view_department")
    user.is_staff = True
    user.save()
    employee = EmployeeFactory(full_name="Jane Viewed")
    response = client.get(f"/admin/employees/employee/{employee.pk}/change/")
    assertContains(response, "Jane Viewed")
