"""Reporting lines: who manages whom, with no loops, on every path that sets them."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from pytest_django.asserts import assertContains, assertNotContains

from core.spreadsheets import read_table
from employees import services
from employees.imports import IMPORT_COLUMNS, employees_import
from employees.models import Employee

from .factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(user_with):
    return user_with(
        "employees.view_employee", "employees.change_employee", "attendance.view_attendancerecord"
    )


@pytest.fixture
def line():
    """Ann leads; Bob reports to Ann; Cy reports to Bob."""
    ann = EmployeeFactory(employee_id="ANN", full_name="Ann Lead")
    bob = EmployeeFactory(employee_id="BOB", full_name="Bob Middle", manager=ann)
    cy = EmployeeFactory(employee_id="CY", full_name="Cy Junior", manager=bob)
    return ann, bob, cy


class TestServices:
    def test_a_new_employee_gets_a_manager(self, line):
        ann, _, _ = line
        new = services.employee_create(
            employee_id="NEW",
            full_name="New Person",
            email="new@example.com",
            department=DepartmentFactory(),
            manager=ann,
        )
        assert Employee.objects.get(pk=new.pk).manager == ann

    @pytest.mark.parametrize("who", ["bob", "cy"])
    def test_no_one_manages_their_own_manager_directly_or_not(self, line, who):
        ann, bob, cy = line
        below = {"bob": bob, "cy": cy}[who]
        with pytest.raises(ValidationError) as refused:
            services.employee_update(employee=ann, manager=below)
        assert refused.value.message_dict["manager"] == [
            f"{below.full_name} reports to Ann Lead (directly or through others), so cannot "
            "also be Ann Lead's manager."
        ]
        assert Employee.objects.get(pk=ann.pk).manager is None

    def test_no_one_is_their_own_manager(self, line):
        ann, _, _ = line
        with pytest.raises(ValidationError, match="cannot be their own manager"):
            services.employee_update(employee=ann, manager=ann)

    def test_the_database_refuses_an_own_manager_too(self, line):
        ann, _, _ = line
        with pytest.raises(IntegrityError), transaction.atomic():
            Employee.objects.filter(pk=ann.pk).update(manager=ann)

    def test_moving_within_the_line_is_fine(self, line):
        ann, bob, cy = line
        services.employee_update(employee=cy, manager=ann)
        services.employee_update(employee=bob, manager=cy)  # Cy no longer reports to Bob
        assert Employee.objects.get(pk=bob.pk).manager == cy

    def test_deleting_a_manager_leaves_their_reports_without_one(self, line):
        ann, bob, _ = line
        services.employee_delete(employee=ann)
        assert Employee.objects.get(pk=bob.pk).manager is None


@pytest.mark.django_db(transaction=True)
def test_two_changes_at_once_cannot_close_a_loop_between_them(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time anyway")
    ann = EmployeeFactory(employee_id="ANN", full_name="Ann Lead")
    bob = EmployeeFactory(employee_id="BOB", full_name="Bob Other")
    both_started = threading.Barrier(2, timeout=10)
    real = services.one_writer_at_a_time

    def wait_then_lock(name):
        both_started.wait()  # each has read its employee; now both check and save
        real(name)

    monkeypatch.setattr(services, "one_writer_at_a_time", wait_then_lock)
    outcomes = []

    def change(employee_pk, manager_pk):
        try:
            employee = Employee.objects.get(pk=employee_pk)
            services.employee_update(employee=employee, manager=Employee.objects.get(pk=manager_pk))
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.message_dict["manager"][0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=change, args=(ann.pk, bob.pk)),
        threading.Thread(target=change, args=(bob.pk, ann.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "saved"
    assert "directly or through others" in sorted(outcomes)[0]
    assert Employee.objects.exclude(manager=None).count() == 1


class TestPages:
    def test_the_form_takes_a_manager_by_code(self, client, hr, line):
        _, _, cy = line
        page = client.get(f"/employees/{cy.employee_id}/edit/")
        assertContains(page, 'name="manager" value="BOB"')
        data = edit_data(cy, manager="ann")
        response = client.post(f"/employees/{cy.employee_id}/edit/", data)
        assert response.status_code == 302
        assert Employee.objects.get(pk=cy.pk).manager.employee_id == "ANN"

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("NOPE", "No employee has the code NOPE."),
            ("CY", "Cy Junior reports to Ann Lead (directly or through others)"),
            ("ANN", "An employee cannot be their own manager."),
            ("GONE", "Gone Person no longer works here: choose a current employee."),
        ],
    )
    def test_a_wrong_manager_is_explained(self, client, hr, line, code, message):
        ann, _, _ = line
        EmployeeFactory(employee_id="GONE", full_name="Gone Person", is_active=False)
        response = client.post(f"/employees/{ann.employee_id}/edit/", edit_data(ann, manager=code))
        assertContains(response, message, status_code=200)
        assert Employee.objects.get(pk=ann.pk).manager is None

    def test_the_profile_and_directory_show_the_line(self, client, hr, line):
        ann, bob, cy = line
        profile = client.get(f"/employees/{bob.employee_id}/")
        assertContains(profile, '<a href="/employees/ANN/">Ann Lead</a>')
        assertContains(profile, '<a href="/employees/CY/">Cy Junior</a>')
        directory = client.get("/employees/", {"q": "Cy"})
        assertContains(directory, "Reports to Bob Middle")

    def test_a_limited_user_cannot_name_a_manager_they_cannot_see(self, client, limited_hr):
        boss = EmployeeFactory(
            employee_id="BOSS", full_name="Big Boss", department=limited_hr.outside
        )
        mine = EmployeeFactory(employee_id="MINE", department=limited_hr.inside, manager=boss)
        client.force_login(limited_hr.user)
        response = client.post("/employees/MINE/edit/", edit_data(mine, manager="BOSS"))
        assertContains(response, "No employee has the code BOSS.")
        # Their manager's name shows, but not as a link to a profile they cannot open.
        profile = client.get("/employees/MINE/")
        assertContains(profile, "Big Boss")
        assertNotContains(profile, 'href="/employees/BOSS/"')


def edit_data(employee, **overrides):
    data = {
        "employee_id": employee.employee_id,
        "full_name": employee.full_name,
        "email": employee.email,
        "department": employee.department_id,
        "job_title": employee.job_title,
        "phone": employee.phone,
        "date_joined": employee.date_joined.isoformat(),
        "date_left": "",
        "manager": "",
    }
    data.update(overrides)
    return data


def import_rows(*rows: str, update_existing=False):
    header = "employee_id,full_name,email,department,manager\n"
    table = read_table(
        (header + "".join(f"{row}\n" for row in rows)).encode(),
        filename="people.csv",
        columns=IMPORT_COLUMNS,
    )
    return employees_import(table=table, update_existing=update_existing)


class TestImport:
    def test_managers_by_code_here_or_later_in_the_file(self, line):
        DepartmentFactory(name="Sales")
        report = import_rows(
            "N1,New One,n1@example.com,Sales,N2",  # N2 comes later in the file
            "N2,New Two,n2@example.com,Sales,ANN",
            "N3,New Three,n3@example.com,Sales,",
        )
        assert report.ok, report.errors
        managers = dict(Employee.objects.values_list("employee_id", "manager__employee_id"))
        assert (managers["N1"], managers["N2"], managers["N3"]) == ("N2", "ANN", None)

    def test_a_file_may_not_close_a_loop(self, line):
        DepartmentFactory(name="Sales")
        report = import_rows("ANN,Ann Lead,ann@example.com,Sales,CY", update_existing=True)
        assert [(e.row, e.column) for e in report.errors] == [(2, "Manager code")]
        assert (
            "Cy Junior reports to Ann Lead (directly or through others)" in report.errors[0].message
        )
        assert Employee.objects.get(employee_id="ANN").manager is None

    def test_loops_within_the_file_and_unknown_codes_are_reported_by_row(self, db):
        DepartmentFactory(name="Sales")
        report = import_rows(
            "L1,Loop One,l1@example.com,Sales,L2",
            "L2,Loop Two,l2@example.com,Sales,L1",
            "L3,Lost,l3@example.com,Sales,NOBODY",
            "L4,Self,l4@example.com,Sales,L4",
        )
        found = {(e.row, e.message.split(",")[0].split(".")[0]) for e in report.errors}
        assert found == {
            (2, "Loop Two reports to Loop One (directly or through others)"),
            (3, "Loop One reports to Loop Two (directly or through others)"),
            (4, "No employee has the code NOBODY"),
            (5, "An employee cannot be their own manager"),
        }
        assert not Employee.objects.filter(employee_id__startswith="L").exists()
