"""The directory, employee and department pages, with and without htmx."""

import datetime
import html
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts import roles
from employees.models import Department, Employee

from .factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "http://testserver/employees/"
DEPARTMENTS = "http://testserver/departments/"


def triggers(response) -> set[str]:
    return set(json.loads(response.headers.get("HX-Trigger", "{}")))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def hr(user_with):
    return user_with(
        "employees.view_employee",
        "employees.add_employee",
        "employees.change_employee",
        "employees.delete_employee",
        "employees.view_department",
        "employees.add_department",
        "employees.change_department",
        "employees.delete_department",
        username="hr",
    )


@pytest.fixture
def reader(user_with):
    return user_with("employees.view_employee", "employees.view_department", username="reader")


class TestSignIn:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/employees/",
            "/employees/new/",
            "/employees/EMP0001/",
            "/employees/EMP0001/edit/",
            "/employees/EMP0001/deactivate/",
            "/employees/EMP0001/reactivate/",
            "/employees/EMP0001/delete/",
            "/departments/",
            "/departments/new/",
            "/departments/1/edit/",
            "/departments/1/delete/",
        ],
    )
    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"

    def test_anonymous_post_changes_nothing(self, client):
        employee = EmployeeFactory()
        response = client.post(reverse("employees:delete", args=[employee.employee_id]))
        assert response.status_code == 302
        assert Employee.objects.filter(pk=employee.pk).exists()

    def test_log_in_and_land_on_the_dashboard(self, client, django_user_model):
        jane = django_user_model.objects.create_user("jane", password="a-Long-pass-99")
        jane.groups.add(Group.objects.get(name=roles.VIEWER))
        response = client.post(
            "/login/", {"username": "jane", "password": "a-Long-pass-99"}, follow=True
        )
        assert response.redirect_chain[-1][0] == "/"
        assertContains(response, "<h1>Dashboard</h1>")

    def test_wrong_password_says_so(self, client, django_user_model):
        django_user_model.objects.create_user("jane", password="a-Long-pass-99")
        response = client.post("/login/", {"username": "jane", "password": "wrong"})
        assertContains(response, "Please enter a correct username and password")

    def test_logout_needs_post(self, client, hr):
        assert client.get("/logout/").status_code == 405
        response = client.post("/logout/")
        assertRedirects(response, "/login/", fetch_redirect_response=False)
        assert client.get("/employees/").status_code == 302


class TestDirectory:
    def test_lists_active_employees_by_name_by_default(self, client, hr):
        EmployeeFactory(full_name="Zoe Active")
        EmployeeFactory(full_name="Adam Active")
        EmployeeFactory(full_name="Gone Person", is_active=False)
        response = client.get("/employees/")
        assert [e.full_name for e in response.context["page"]] == ["Adam Active", "Zoe Active"]
        assertContains(response, "2 employees")
        assertNotContains(response, "Gone Person")

    @pytest.mark.parametrize(
        ("status", "names"),
        [("inactive", ["Gone Person"]), ("all", ["Adam Active", "Gone Person"])],
    )
    def test_status_filter(self, client, hr, status, names):
        EmployeeFactory(full_name="Adam Active")
        EmployeeFactory(full_name="Gone Person", is_active=False)
        response = client.get("/employees/", {"status": status})
        assert [e.full_name for e in response.context["page"]] == names

    @pytest.mark.parametrize("query", ["smith", "EMP-77", "JANE@EXAMPLE"])
    def test_search_by_name_code_or_email(self, client, hr, query):
        EmployeeFactory(full_name="Jane Smith", employee_id="EMP-77", email="jane@example.com")
        EmployeeFactory(full_name="Other Person")
        response = client.get("/employees/", {"q": query})
        assert [e.full_name for e in response.context["page"]] == ["Jane Smith"]

    def test_filter_by_department(self, client, hr):
        sales = DepartmentFactory(name="Sales")
        EmployeeFactory(full_name="In Sales", department=sales)
        EmployeeFactory(full_name="Elsewhere")
        response = client.get("/employees/", {"department": sales.pk})
        assert [e.full_name for e in response.context["page"]] == ["In Sales"]

    @pytest.mark.parametrize(
        ("sort", "codes"),
        [
            ("code", ["A1", "B2", "C3"]),
            ("-code", ["C3", "B2", "A1"]),
            ("joined", ["B2", "C3", "A1"]),
            ("department", ["C3", "A1", "B2"]),
            ("-name", ["A1", "C3", "B2"]),
        ],
    )
    def test_sort(self, client, hr, sort, codes):
        day = datetime.date(2024, 1, 1)
        EmployeeFactory(employee_id="A1", full_name="Cy", date_joined=day, department__name="Ops")
        EmployeeFactory(
            employee_id="B2",
            full_name="Al",
            date_joined=day.replace(year=2020),
            department__name="Sales",
        )
        EmployeeFactory(
            employee_id="C3",
            full_name="Bo",
            date_joined=day.replace(year=2022),
            department__name="HR",
        )
        response = client.get("/employees/", {"sort": sort})
        assert [e.employee_id for e in response.context["page"]] == codes

    def test_sorted_column_is_marked_for_screen_readers(self, client, hr):
        EmployeeFactory()
        response = client.get("/employees/", {"sort": "-code"})
        assertContains(response, '<th scope="col" aria-sort="descending">')
        assertContains(response, 'href="?sort=code"')

    def test_pages_of_25(self, client, hr):
        EmployeeFactory.create_batch(30)
        first = client.get("/employees/")
        second = client.get("/employees/", {"page": 2})
        assert len(first.context["page"]) == 25
        assert len(second.context["page"]) == 5
        assertContains(first, "30 employees, showing 1–25")
        assertContains(first, "Page 1 of 2")
        assert not {e.pk for e in first.context["page"]} & {e.pk for e in second.context["page"]}

    def test_tampered_query_string_still_shows_the_directory(self, client, hr):
        EmployeeFactory(full_name="Jane Smith")
        response = client.get(
            "/employees/",
            {"department": "abc", "status": "deleted", "sort": "password", "page": "x"},
        )
        assert response.status_code == 200
        assertContains(response, "Jane Smith")

    def test_htmx_gets_only_the_results(self, client, hr, htmx_headers):
        EmployeeFactory(full_name="Jane Smith")
        response = client.get("/employees/", {"q": "jane"}, headers=htmx_headers(DIRECTORY))
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="results"')
        assert "<html" not in html
        assert "Jane Smith" in html

    def test_history_restore_gets_the_whole_page(self, client, hr):
        response = client.get(
            "/employees/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assertContains(response, "<html")

    def test_empty_directory_invites_to_add_the_first_employee(self, client, hr):
        response = client.get("/employees/")
        assertContains(response, "No employees yet.")
        assertContains(response, reverse("employees:create"))

    def test_no_match_offers_to_clear_the_filters(self, client, hr):
        EmployeeFactory(full_name="Jane Smith")
        response = client.get("/employees/", {"q": "nobody"})
        assertContains(response, "No employees match your search.")
        assertContains(response, "Clear search and filters")

    def test_readers_see_no_change_buttons(self, client, reader):
        employee = EmployeeFactory()
        response = client.get("/employees/")
        assertContains(response, employee.full_name)
        assertNotContains(response, "Add employee")
        assertNotContains(response, reverse("employees:delete", args=[employee.employee_id]))

    def test_needs_view_permission(self, client, user_with):
        user_with()
        assert client.get("/employees/").status_code == 403

    def test_post_is_not_allowed(self, client, hr):
        assert client.post("/employees/").status_code == 405

    @pytest.mark.parametrize("params", [{}, {"q": "a", "sort": "-department", "page": "2"}])
    def test_query_count_does_not_grow_with_employees(self, hr, query_counts, params):
        add = EmployeeFactory.create_batch
        few, many, response = query_counts("/employees/", add, few=5, more=95, data=params)
        assert response.status_code == 200
        # session, user, permissions (one query), department scope, the employee data's
        # version and the top bar's unread notifications (in the shared cache: a query each
        # unless it is Redis), department choices, count, page
        assert few == many == 7 + (0 if settings.REDIS_URL else 2)

    def test_the_count_is_kept_until_an_employee_changes(self, client, hr):
        EmployeeFactory.create_batch(3, full_name="Ann Example")
        first = client.get("/employees/", {"q": "ann", "page": "1"})
        assertContains(first, "3 employees")
        with CaptureQueriesContext(connection) as again:
            response = client.get("/employees/", {"q": "ann", "sort": "-name"})
        assertContains(response, "3 employees")
        counts = [q["sql"] for q in again.captured_queries if "COUNT(" in q["sql"]]
        assert not [sql for sql in counts if '"employees_employee"' in sql]
        # Any change to an employee counts again, whoever made it and however.
        EmployeeFactory(full_name="Ann Later")
        assertContains(client.get("/employees/", {"q": "ann"}), "4 employees")
        Employee.objects.filter(full_name="Ann Later").delete()
        assertContains(client.get("/employees/", {"q": "ann"}), "3 employees")
        employee = Employee.objects.filter(full_name="Ann Example").first()
        employee.full_name = "Someone Else"
        employee.save()
        assertContains(client.get("/employees/", {"q": "ann"}), "2 employees")
        # Filters are part of what is counted.
        assertContains(client.get("/employees/", {"q": "someone"}), "1 employee")


# Fourteen active employees in pages of three (the last page has two), sharing names,
# departments and joining dates, so that every sort order has ties to break.
TIED = [
    (f"E{n:02d}", name, department, datetime.date(2024, month, 1))
    for n, name, department, month in zip(
        (7, 2, 12, 9, 1, 14, 4, 11, 6, 3, 13, 8, 10, 5),
        ["Ann", "Bob", "Cy"] * 5,
        ["Ops", "HR"] * 7,
        [1, 3, 3, 2] * 4,
        strict=False,
    )
]
SORT_KEYS = {
    "code": lambda row: row[0],
    "name": lambda row: row[1],
    "department": lambda row: row[2],
    "joined": lambda row: row[3],
}


def sorted_codes(sort: str) -> list[str]:
    """The codes in the order `sort` asks for, ties broken by code (ascending)."""
    by_code = sorted(TIED)
    key = SORT_KEYS[sort.removeprefix("-")]
    return [row[0] for row in sorted(by_code, key=key, reverse=sort.startswith("-"))]


def codes_on(response) -> list[str]:
    return re.findall(r'<span class="code">([^<]+)</span>', response.content.decode())


def page_link(response, text: str) -> str | None:
    """Where the pagination link with this text ("Next", "Last", ...) leads, if shown."""
    found = re.search(rf'<a href="([^"]+)"[^>]*>[^<]*{text}', response.content.decode())
    return "/employees/" + html.unescape(found[1]) if found else None


class TestDirectoryPages:
    """Every page of any sort order, from the first or from the last (read backwards)."""

    @pytest.fixture(autouse=True)
    def directory(self, settings, hr):
        settings.EMPLOYEES_PER_PAGE = 3
        for code, name, department, joined in TIED:
            EmployeeFactory(
                employee_id=code,
                full_name=name,
                department__name=department,
                date_joined=joined,
            )
        EmployeeFactory(employee_id="E00", full_name="Ann", is_active=False)

    def walk(self, client, url, link, headers) -> list[list[str]]:
        pages = []
        while url:
            response = client.get(url, headers=headers)
            assert response.status_code == 200
            page = response.content.decode()
            whole_page = "<html" in page
            assert whole_page is (headers is None)
            assert whole_page or page.lstrip().startswith('<section id="results"')
            pages.append(codes_on(response))
            url = page_link(response, link)
        return pages

    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
    @pytest.mark.parametrize(
        "sort",
        ["code", "-code", "name", "-name", "department", "-department", "joined", "-joined"],
    )
    def test_next_from_the_first_and_previous_from_the_last_visit_everyone_once(
        self, client, htmx_headers, sort, htmx
    ):
        headers = htmx_headers(DIRECTORY) if htmx else None
        first = client.get("/employees/", {"sort": sort}, headers=headers)
        forwards = self.walk(client, f"/employees/?sort={sort}", "Next", headers)
        backwards = self.walk(client, page_link(first, "Last"), "Previous", headers)
        assert [len(codes) for codes in forwards] == [3, 3, 3, 3, 2]
        assert sum(forwards, []) == sorted_codes(sort)
        assert backwards == forwards[::-1]

    def test_each_page_says_where_it_is(self, client):
        response = client.get("/employees/", {"sort": "code", "page": 4})
        assert codes_on(response) == ["E10", "E11", "E12"]
        assertContains(response, "14 employees, showing 10–12")
        assertContains(response, "Page 4 of 5")

    def test_the_last_page_costs_what_the_first_does(self, client, django_assert_num_queries):
        client.get("/employees/")  # counted once, and the count kept
        with CaptureQueriesContext(connection) as first:
            client.get("/employees/")
        with django_assert_num_queries(len(first)) as last:
            response = client.get("/employees/", {"page": 5})
        assert codes_on(response) == sorted_codes("name")[-2:]
        rows = [q["sql"] for q in last.captured_queries if 'FROM "employees_employee"' in q["sql"]]
        rows = [sql for sql in rows if "LIMIT" in sql]
        assert len(rows) == 1
        # Read from the end, in reverse: no rows skipped on the way.
        assert "OFFSET" not in rows[0]

    @pytest.mark.parametrize(
        ("page", "codes"), [("99", ["E13", "E14"]), ("x", ["E01", "E02", "E03"])]
    )
    def test_a_page_past_the_end_shows_the_last_and_a_bad_number_the_first(
        self, client, page, codes
    ):
        response = client.get("/employees/", {"sort": "code", "page": page})
        assert codes_on(response) == codes


def form_data(department, **overrides):
    data = {
        "employee_id": "EMP100",
        "full_name": "Jane Smith",
        "email": "jane@example.com",
        "department": department.pk,
        "job_title": "Engineer",
        "phone": "+44 7700 900123",
        "date_joined": "2024-03-01",
        "date_left": "",
    }
    data.update(overrides)
    return data


class TestCreateEmployee:
    def test_full_page_form(self, client, hr):
        response = client.get("/employees/new/")
        assertContains(response, "<html")
        assertContains(response, 'name="employee_id"')
        assertContains(response, timezone.localdate().isoformat())

    def test_htmx_gets_the_form_for_the_dialog(self, client, hr, htmx_headers):
        response = client.get("/employees/new/", headers=htmx_headers(DIRECTORY))
        html = response.content.decode()
        assert "<html" not in html
        assert 'id="modal-title"' in html

    def test_saves_and_shows_the_profile(self, client, hr):
        department = DepartmentFactory()
        response = client.post(
            "/employees/new/", form_data(department, employee_id=" emp100 "), follow=True
        )
        employee = Employee.objects.get()
        assert employee.employee_id == "EMP100"
        assertRedirects(response, "/employees/EMP100/")
        assert messages_of(response) == ["Added Jane Smith (EMP100)."]

    def test_htmx_save_from_the_directory_closes_the_dialog_and_refreshes_the_list(
        self, client, hr, htmx_headers
    ):
        department = DepartmentFactory()
        response = client.post(
            "/employees/new/", form_data(department), headers=htmx_headers(DIRECTORY)
        )
        assert response.status_code == 200
        assert triggers(response) == {"close-modal", "refresh-lists"}
        assert response["HX-Reswap"] == "none"
        html = response.content.decode()
        assert 'hx-swap-oob="beforeend:#messages"' in html
        assert "Added Jane Smith (EMP100)." in html

    def test_htmx_save_from_the_full_page_goes_to_the_profile(self, client, hr, htmx_headers):
        department = DepartmentFactory()
        response = client.post(
            "/employees/new/",
            form_data(department),
            headers=htmx_headers("http://testserver/employees/new/"),
        )
        assert response["HX-Redirect"] == "/employees/EMP100/"

    def test_errors_are_shown_beside_fields_and_nothing_is_saved(self, client, hr):
        department = DepartmentFactory()
        response = client.post(
            "/employees/new/",
            form_data(department, full_name="   ", email="nope", date_left="2024-01-01"),
        )
        assert response.status_code == 200
        assertContains(response, "Enter the employee&#x27;s full name.")
        assertContains(response, "Enter a valid email address")
        assertContains(response, "The leaving date cannot be before the joining date.")
        assertContains(response, 'aria-invalid="true"')
        assert not Employee.objects.exists()

    def test_htmx_errors_re_render_the_form_in_place(self, client, hr, htmx_headers):
        department = DepartmentFactory()
        response = client.post(
            "/employees/new/", form_data(department, email=""), headers=htmx_headers(DIRECTORY)
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<section class="panel form-panel">')
        assert "Enter the employee&#x27;s email address." in html
        assert "HX-Trigger" not in response.headers

    def test_duplicate_email_in_another_case_names_the_holder(self, client, hr):
        EmployeeFactory(employee_id="EMP001", full_name="John Doe", email="jane@example.com")
        response = client.post(
            "/employees/new/", form_data(DepartmentFactory(), email="Jane@Example.com")
        )
        assertContains(response, "jane@example.com is already the email of John Doe (EMP001).")
        assert Employee.objects.count() == 1

    def test_unknown_department_is_a_form_error(self, client, hr):
        DepartmentFactory()
        response = client.post("/employees/new/", form_data(Department(pk=987654)))
        assertContains(response, "That department does not exist (any more).")
        assert not Employee.objects.exists()

    def test_needs_add_permission(self, client, reader):
        assert client.get("/employees/new/").status_code == 403
        assert client.post("/employees/new/", form_data(DepartmentFactory())).status_code == 403
        assert not Employee.objects.exists()


class TestEditEmployee:
    def test_saves_changes(self, client, hr):
        employee = EmployeeFactory(employee_id="EMP100")
        response = client.post(
            "/employees/EMP100/edit/",
            form_data(employee.department, full_name="Jane Jones"),
            follow=True,
        )
        assertRedirects(response, "/employees/EMP100/")
        employee.refresh_from_db()
        assert employee.full_name == "Jane Jones"
        assert messages_of(response) == ["Saved the changes to Jane Jones (EMP100)."]

    def test_changing_the_code_moves_the_profile(self, client, hr, htmx_headers):
        employee = EmployeeFactory(employee_id="EMP100")
        response = client.post(
            "/employees/EMP100/edit/",
            form_data(employee.department, employee_id="EMP200"),
            headers=htmx_headers("http://testserver/employees/EMP100/"),
        )
        assert response["HX-Redirect"] == "/employees/EMP200/"

    def test_invalid_change_saves_nothing(self, client, hr):
        EmployeeFactory(employee_id="EMP001", email="taken@example.com", full_name="John Doe")
        employee = EmployeeFactory(employee_id="EMP100", full_name="Jane Smith")
        response = client.post(
            "/employees/EMP100/edit/",
            form_data(employee.department, full_name="Changed", email="TAKEN@example.com"),
        )
        assertContains(response, "taken@example.com is already the email of John Doe (EMP001).")
        assertContains(response, "Edit Jane Smith (EMP100)")
        employee.refresh_from_db()
        assert employee.full_name == "Jane Smith"

    def test_needs_change_permission(self, client, reader):
        employee = EmployeeFactory(employee_id="EMP100", full_name="Jane Smith")
        response = client.post(
            "/employees/EMP100/edit/", form_data(employee.department, full_name="X")
        )
        assert response.status_code == 403
        employee.refresh_from_db()
        assert employee.full_name == "Jane Smith"


class TestDeactivateReactivate:
    def test_get_asks_for_confirmation_and_changes_nothing(self, client, hr):
        employee = EmployeeFactory(employee_id="EMP1", full_name="Jane Smith")
        response = client.get("/employees/EMP1/deactivate/")
        assertContains(response, "Deactivate Jane Smith?")
        assertContains(response, "Their details and history are kept")
        employee.refresh_from_db()
        assert employee.is_active

    def test_deactivate_with_a_last_day(self, client, hr):
        employee = EmployeeFactory(employee_id="EMP1", full_name="Jane Smith")
        last_day = timezone.localdate() - datetime.timedelta(days=2)
        response = client.post(
            "/employees/EMP1/deactivate/", {"date_left": last_day.isoformat()}, follow=True
        )
        employee.refresh_from_db()
        assert (employee.is_active, employee.date_left) == (False, last_day)
        assert messages_of(response) == [
            f"Deactivated Jane Smith (EMP1); last working day {last_day.day} {last_day:%b %Y}."
        ]

    def test_last_day_before_joining_is_refused(self, client, hr):
        employee = EmployeeFactory(employee_id="EMP1", date_joined=datetime.date(2024, 5, 1))
        response = client.post("/employees/EMP1/deactivate/", {"date_left": "2024-04-01"})
        assertContains(response, "The leaving date cannot be before the joining date.")
        employee.refresh_from_db()
        assert employee.is_active

    def test_reactivate(self, client, hr, htmx_headers):
        employee = EmployeeFactory(
            employee_id="EMP1", is_active=False, date_left=timezone.localdate()
        )
        response = client.post("/employees/EMP1/reactivate/", headers=htmx_headers(DIRECTORY))
        assert triggers(response) == {"close-modal", "refresh-lists"}
        employee.refresh_from_db()
        assert employee.is_active
        assert employee.date_left is None

    def test_reactivating_an_active_employee_explains(self, client, hr):
        EmployeeFactory(employee_id="EMP1", full_name="Jane Smith")
        response = client.post("/employees/EMP1/reactivate/")
        assertContains(response, "Jane Smith (EMP1) is already active.")

    def test_needs_change_permission(self, client, reader):
        employee = EmployeeFactory(employee_id="EMP1")
        assert client.post("/employees/EMP1/deactivate/").status_code == 403
        employee.refresh_from_db()
        assert employee.is_active


class TestDeleteEmployee:
    def test_get_says_what_will_be_lost(self, client, hr):
        EmployeeFactory(employee_id="EMP1", full_name="Jane Smith")
        response = client.get("/employees/EMP1/delete/")
        assertContains(
            response, "permanently deletes Jane Smith (EMP1) and everything recorded about them"
        )
        assert Employee.objects.exists()

    def test_post_deletes_and_returns_to_the_directory(self, client, hr):
        EmployeeFactory(employee_id="EMP1", full_name="Jane Smith")
        response = client.post("/employees/EMP1/delete/", follow=True)
        assertRedirects(response, "/employees/")
        assert not Employee.objects.exists()
        assert messages_of(response) == ["Deleted Jane Smith (EMP1) and all their records."]

    def test_htmx_delete_from_the_profile_goes_to_the_directory(self, client, hr, htmx_headers):
        EmployeeFactory(employee_id="EMP1")
        response = client.post(
            "/employees/EMP1/delete/", headers=htmx_headers("http://testserver/employees/EMP1/")
        )
        assert response["HX-Redirect"] == "/employees/"

    def test_needs_delete_permission(self, client, user_with):
        user_with("employees.view_employee", "employees.change_employee")
        EmployeeFactory(employee_id="EMP1")
        assert client.post("/employees/EMP1/delete/").status_code == 403
        assert Employee.objects.exists()


class TestDepartmentPages:
    def test_list_shows_employee_counts(self, client, hr):
        sales = DepartmentFactory(name="Sales")
        EmployeeFactory.create_batch(2, department=sales)
        EmployeeFactory(department=sales, is_active=False)
        DepartmentFactory(name="Empty")
        response = client.get("/departments/")
        rows = {d.name: (d.active_count, d.employee_count) for d in response.context["departments"]}
        assert rows == {"Sales": (2, 3), "Empty": (0, 0)}

    def test_delete_is_offered_only_where_it_would_be_done(self, client, hr):
        sales = DepartmentFactory(name="Sales")
        EmployeeFactory(department=sales, is_active=False)
        empty = DepartmentFactory(name="Empty")
        page = client.get("/departments/").content.decode()
        assert f"/departments/{empty.pk}/delete/" in page
        assert f"/departments/{sales.pk}/delete/" not in page  # it has an employee

    def test_list_query_count_does_not_grow(self, client, hr):
        DepartmentFactory.create_batch(3)
        with CaptureQueriesContext(connection) as few:
            client.get("/departments/")
        for department in DepartmentFactory.create_batch(30):
            EmployeeFactory(department=department)
        with CaptureQueriesContext(connection) as many:
            client.get("/departments/")
        assert len(few) == len(many)

    def test_create(self, client, hr):
        response = client.post("/departments/new/", {"name": "  Sales "}, follow=True)
        assertRedirects(response, "/departments/")
        assert Department.objects.get().name == "Sales"
        assert messages_of(response) == ["Added the department Sales."]

    def test_create_duplicate_in_another_case(self, client, hr):
        DepartmentFactory(name="Sales")
        response = client.post("/departments/new/", {"name": "SALES"})
        assertContains(response, "A department with this name already exists.")
        assert Department.objects.count() == 1

    def test_rename(self, client, hr, htmx_headers):
        department = DepartmentFactory(name="Sales")
        response = client.post(
            f"/departments/{department.pk}/edit/",
            {"name": "Revenue"},
            headers=htmx_headers(DEPARTMENTS),
        )
        assert triggers(response) == {"close-modal", "refresh-lists"}
        assert "Renamed Sales to Revenue." in response.content.decode()
        department.refresh_from_db()
        assert department.name == "Revenue"

    def test_delete_confirmation_and_delete(self, client, hr):
        department = DepartmentFactory(name="Sales")
        assertContains(
            client.get(f"/departments/{department.pk}/delete/"),
            "has no employees and will be deleted",
        )
        response = client.post(f"/departments/{department.pk}/delete/", follow=True)
        assert not Department.objects.exists()
        assert messages_of(response) == ["Deleted the department Sales."]

    def test_delete_with_employees_is_refused_with_the_count(self, client, hr):
        department = DepartmentFactory(name="Sales")
        EmployeeFactory.create_batch(4, department=department)
        message = (
            "Sales cannot be deleted: it still has 4 employees. "
            "Move them to another department or delete them first."
        )
        assertContains(client.get(f"/departments/{department.pk}/delete/"), message)
        response = client.post(f"/departments/{department.pk}/delete/", follow=True)
        assert messages_of(response) == [message]
        assert Department.objects.exists()

    def test_changes_need_permission(self, client, reader):
        department = DepartmentFactory(name="Sales")
        assert client.post("/departments/new/", {"name": "X"}).status_code == 403
        assert client.post(f"/departments/{department.pk}/edit/", {"name": "X"}).status_code == 403
        assert client.post(f"/departments/{department.pk}/delete/").status_code == 403
        assert list(Department.objects.values_list("name", flat=True)) == ["Sales"]

    def test_unknown_department_is_404(self, client, hr):
        assert client.get("/departments/999/edit/").status_code == 404
