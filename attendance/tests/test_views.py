"""The roster, the attendance list, correcting and deleting records, and the profile's figures."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from attendance.models import AttendanceRecord
from core.testing import shared_cache_cost
from employees.tests.factories import DepartmentFactory, EmployeeFactory

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db
Status = AttendanceRecord.Status
ROSTER = "/attendance/mark/"


def today():
    return timezone.localdate()


def days_ago(n):
    return today() - datetime.timedelta(days=n)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def clerk(user_with):
    return user_with(
        "attendance.view_attendancerecord",
        "attendance.add_attendancerecord",
        "attendance.change_attendancerecord",
        "attendance.delete_attendancerecord",
        "employees.view_employee",
        username="clerk",
    )


@pytest.fixture
def viewer(user_with):
    return user_with(
        "attendance.view_attendancerecord", "employees.view_employee", username="viewer"
    )


def roster_post(day, rows, **extra):
    """A roster POST: rows maps employee code to (chosen status, status seen)."""
    data = {"date": day.isoformat(), "department": ""}
    for code, (status, seen) in rows.items():
        data[f"status_{code}"] = status
        data[f"seen_{code}"] = seen
    data.update(extra)
    return data


class TestRosterPage:
    def test_lists_everyone_employed_on_the_day_with_their_status(self, client, clerk):
        EmployeeFactory(employee_id="E1", full_name="Amy Active", date_joined=days_ago(100))
        marked = EmployeeFactory(
            employee_id="E2", full_name="Ben Marked", date_joined=days_ago(100)
        )
        AttendanceRecordFactory(employee=marked, date=days_ago(2), status=Status.ON_LEAVE)
        EmployeeFactory(employee_id="E3", full_name="Cat Newcomer", date_joined=days_ago(1))
        EmployeeFactory(  # the day is their last
            employee_id="E4",
            full_name="Dan Leaver",
            is_active=False,
            date_left=days_ago(2),
            date_joined=days_ago(100),
        )
        EmployeeFactory(
            employee_id="E5",
            full_name="Eve Gone",
            is_active=False,
            date_left=days_ago(3),
            date_joined=days_ago(100),
        )
        response = client.get(ROSTER, {"date": days_ago(2).isoformat()})
        rows = {e.employee_id: e.seen for e in response.context["employees"]}
        assert rows == {"E1": "", "E2": Status.ON_LEAVE, "E4": ""}
        assertContains(response, 'name="status_E2" value="on_leave" checked')

    def test_names_are_shown_as_text_never_as_markup(self, client, clerk):
        EmployeeFactory(
            employee_id="E1",
            full_name='<img src=x onerror="alert(1)">',
            date_joined=days_ago(10),
        )
        response = client.get(ROSTER)
        assertContains(response, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;")
        assertNotContains(response, '<img src=x onerror="alert(1)">')

    def test_defaults_to_today(self, client, clerk):
        response = client.get(ROSTER)
        assert response.context["day"] == today()

    def test_department_filter(self, client, clerk):
        sales = DepartmentFactory(name="Sales")
        EmployeeFactory(employee_id="E1", department=sales)
        EmployeeFactory(employee_id="E2")
        response = client.get(ROSTER, {"department": sales.pk})
        assert [e.employee_id for e in response.context["employees"]] == ["E1"]

    def test_counts_each_status_and_not_marked(self, client, clerk):
        people = EmployeeFactory.create_batch(5)
        AttendanceRecordFactory(employee=people[0], status=Status.PRESENT)
        AttendanceRecordFactory(employee=people[1], status=Status.PRESENT)
        AttendanceRecordFactory(employee=people[2], status=Status.WORK_FROM_HOME)
        counts = client.get(ROSTER).context["counts"]
        assert (counts["present"], counts["wfh"], counts["absent"], counts["not_marked"]) == (
            2,
            1,
            0,
            2,
        )

    @pytest.mark.parametrize(
        ("date", "message"),
        [
            ("31-12-2026", "Enter the date as YYYY-MM-DD"),
            ("2999-01-01", "1 Jan 2999 is in the future."),
        ],
    )
    def test_bad_day_explains_and_shows_no_roster(self, client, clerk, date, message):
        EmployeeFactory()
        response = client.get(ROSTER, {"date": date})
        assertContains(response, message)
        assertNotContains(response, 'name="status_')

    def test_htmx_gets_only_the_roster(self, client, clerk, htmx_headers):
        EmployeeFactory(full_name="Amy Active")
        response = client.get(ROSTER, headers=htmx_headers("http://testserver/attendance/mark/"))
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="roster"')
        assert "Amy Active" in html

    def test_viewers_cannot_open_the_roster(self, client, viewer):
        assert client.get(ROSTER).status_code == 403

    def test_anonymous_goes_to_login(self, client):
        assert client.get(ROSTER)["Location"] == f"/login/?next={ROSTER}"

    @pytest.mark.parametrize("marked", [False, True])
    def test_query_count_does_not_grow_with_employees(self, clerk, query_counts, marked):
        def add(n):
            for employee in EmployeeFactory.create_batch(n):
                if marked:
                    AttendanceRecordFactory(employee=employee)

        few, many, response = query_counts(ROSTER, add, few=5, more=195)
        assert len(response.context["employees"]) == 200
        # session, user, permissions (one query), department scope, departments, holidays,
        # roster, counts; the top bar's unread notifications (in the shared cache: a query
        # unless it is Redis)
        assert few == many == 8 + shared_cache_cost()[0]

    def test_query_count_does_not_grow_with_pages(self, clerk, query_counts, settings):
        settings.ROSTER_PER_PAGE = 10
        few, many, response = query_counts(
            ROSTER, EmployeeFactory.create_batch, few=5, more=45, data={"page": 3}
        )
        assert response.context["page"].number == 3
        assert len(response.context["employees"]) == 10
        # The page's count is the day's total, counted once (and the top bar's notifications).
        assert few == many == 8 + shared_cache_cost()[0]


class TestSaveRoster:
    def test_saves_every_row_in_one_post(self, client, clerk):
        EmployeeFactory(employee_id="E1")
        EmployeeFactory(employee_id="E2")
        existing = AttendanceRecordFactory(employee__employee_id="E3", status=Status.ABSENT)
        response = client.post(
            ROSTER,
            roster_post(
                today(),
                {"E1": ("present", ""), "E2": ("wfh", ""), "E3": ("half_day", "absent")},
            ),
            follow=True,
        )
        assertRedirects(response, f"{ROSTER}?date={today().isoformat()}")
        assert dict(AttendanceRecord.objects.values_list("employee__employee_id", "status")) == {
            "E1": "present",
            "E2": "wfh",
            "E3": "half_day",
        }
        existing.refresh_from_db()
        assert existing.marked_by == clerk
        assert messages_of(response) == [
            f"Saved attendance for {today().day} {today():%b %Y}: 2 newly marked, 1 changed."
        ]
        assert response.context["counts"]["not_marked"] == 0

    def test_a_department_of_200_is_saved_in_a_bounded_number_of_queries(self, client, clerk):
        def post_for(people):
            return roster_post(today(), {p.employee_id: ("present", "") for p in people})

        few = EmployeeFactory.create_batch(5)
        with CaptureQueriesContext(connection) as small:
            client.post(ROSTER, post_for(few))
        AttendanceRecord.objects.all().delete()
        many = [*few, *EmployeeFactory.create_batch(195)]
        with CaptureQueriesContext(connection) as large:
            client.post(ROSTER, post_for(many))
        assert AttendanceRecord.objects.count() == 200
        # Not one per row: only SQLite's limit of 999 parameters splits the inserts (of the
        # records and of their audit log entries) into a few statements.
        assert len(small) <= 17 + shared_cache_cost()[1]  # + the day's new figures version
        assert len(large) <= len(small) + 5

    def test_a_department_of_510_saves_in_one_post(self, client, clerk):
        people = EmployeeFactory.create_batch(510, department=DepartmentFactory(name="Large"))
        data = roster_post(today(), {p.employee_id: ("present", "") for p in people})
        assert len(data) > 1000  # over Django's default limit of fields in one form
        response = client.post(ROSTER, data)
        assert response.status_code == 302
        assert AttendanceRecord.objects.count() == 510

    def test_a_roster_larger_than_a_page_is_split_into_pages(self, client, clerk, settings):
        settings.ROSTER_PER_PAGE = 2
        sales = DepartmentFactory(name="Sales")
        for code, name in [("E1", "Amy"), ("E2", "Ben"), ("E3", "Cat"), ("E4", "Dan")]:
            EmployeeFactory(employee_id=code, full_name=name, department=sales)
        EmployeeFactory(employee_id="E5", full_name="Eve")
        response = client.get(ROSTER)
        assert [e.employee_id for e in response.context["employees"]] == ["E1", "E2"]
        assertContains(response, " · 5 employees</p>")
        assertContains(response, "Page 1 of 3: people 1–2 of 5")
        assertContains(response, f'href="{ROSTER}?date={today().isoformat()}&amp;page=2"')
        assertContains(response, 'name="page" value="1"')
        assert response.context["counts"]["not_marked"] == 5  # the whole day, every page

        response = client.get(ROSTER, {"page": 3})
        assert [e.employee_id for e in response.context["employees"]] == ["E5"]
        assert client.get(ROSTER, {"page": 99}).context["page"].number == 3
        assert client.get(ROSTER, {"page": "x"}).context["page"].number == 1
        response = client.get(ROSTER, {"department": sales.pk, "page": 2})
        assert [e.employee_id for e in response.context["employees"]] == ["E3", "E4"]
        previous = f"{ROSTER}?date={today().isoformat()}&amp;department={sales.pk}"
        assertContains(response, f'href="{previous}" class="button small" rel="prev"')

    def test_a_single_page_has_no_page_links(self, client, clerk):
        EmployeeFactory()
        assertNotContains(client.get(ROSTER), "Pages of the roster")

    def test_each_page_saves_its_own_rows_and_keeps_the_others(self, client, clerk, settings):
        settings.ROSTER_PER_PAGE = 2
        for code, name in [("E1", "Amy"), ("E2", "Ben"), ("E3", "Cat")]:
            EmployeeFactory(employee_id=code, full_name=name)
        response = client.post(
            ROSTER, roster_post(today(), {"E3": ("absent", "")}, page="2"), follow=True
        )
        assertRedirects(response, f"{ROSTER}?date={today().isoformat()}&page=2")
        assertContains(response, 'name="status_E3" value="absent" checked')
        response = client.post(
            ROSTER, roster_post(today(), {"E1": ("present", ""), "E2": ("wfh", "")}, page="1")
        )
        assertRedirects(response, f"{ROSTER}?date={today().isoformat()}")
        assert dict(AttendanceRecord.objects.values_list("employee__employee_id", "status")) == {
            "E1": "present",
            "E2": "wfh",
            "E3": "absent",
        }

    def test_marking_a_page_unmarked_as_present_fills_that_page_only(self, client, clerk, settings):
        settings.ROSTER_PER_PAGE = 1
        EmployeeFactory(employee_id="E1", full_name="Amy")
        EmployeeFactory(employee_id="E2", full_name="Ben")
        data = roster_post(today(), {"E2": ("", "")}, page="2", fill="present")
        response = client.post(ROSTER, data)
        assertContains(response, "Set 1 unmarked row to Present.")
        assertContains(response, 'name="status_E2" value="present" checked')
        assert [e.employee_id for e in response.context["employees"]] == ["E2"]
        assert not AttendanceRecord.objects.exists()

    def test_a_page_still_saves_after_someone_joined_ahead_of_it(self, client, clerk, settings):
        """The rows posted are checked against the whole day's roster, not the page as it
        is now: a newcomer sorted ahead moves a row to the next page, and it still saves."""
        settings.ROSTER_PER_PAGE = 2
        EmployeeFactory(employee_id="E2", full_name="Ben")
        EmployeeFactory(employee_id="E3", full_name="Cat")
        EmployeeFactory(employee_id="E1", full_name="Amy")  # joined since the page loaded
        data = roster_post(today(), {"E2": ("present", ""), "E3": ("present", "")}, page="1")
        assertRedirects(client.post(ROSTER, data), f"{ROSTER}?date={today().isoformat()}")
        assert AttendanceRecord.objects.count() == 2

    def test_htmx_save_of_a_page_returns_that_page(self, client, clerk, htmx_headers, settings):
        settings.ROSTER_PER_PAGE = 1
        EmployeeFactory(employee_id="E1", full_name="Amy")
        EmployeeFactory(employee_id="E2", full_name="Ben")
        response = client.post(
            ROSTER,
            roster_post(today(), {"E2": ("present", "")}, page="2"),
            headers=htmx_headers("http://testserver/attendance/mark/?page=2"),
        )
        assert response["HX-Push-Url"] == f"{ROSTER}?date={today().isoformat()}&page=2"
        assert 'name="seen_E2" value="present"' in response.content.decode()
        assert "seen_E1" not in response.content.decode()

    def test_one_bad_row_saves_nothing_and_is_pointed_out(self, client, clerk):
        EmployeeFactory(employee_id="E1", full_name="Amy Active", date_joined=days_ago(30))
        EmployeeFactory(employee_id="E2", full_name="Ben Busy", date_joined=days_ago(30))
        AttendanceRecordFactory(
            employee__employee_id="E3",
            employee__full_name="Cat Changed",
            date=days_ago(1),
            status=Status.ON_LEAVE,
        )
        response = client.post(
            ROSTER,
            roster_post(
                days_ago(1),
                {"E1": ("present", ""), "E2": ("absent", ""), "E3": ("present", "")},
            ),
        )
        assert response.status_code == 400
        assertContains(
            response,
            "Nothing was saved: 1 row needs attention (Cat Changed (E3)).",
            status_code=400,
        )
        assertContains(
            response,
            "Someone else changed Cat Changed (E3) while you were editing",
            status_code=400,
        )
        # The refusal sits in the row, announced with its status picker.
        assertContains(
            response,
            'aria-describedby="roster-keys error-E3"><input type="hidden" name="seen_E3"',
            status_code=400,
        )
        # The user's choices are still on the page, ready to save again.
        assertContains(response, 'name="status_E1" value="present" checked', status_code=400)
        assert AttendanceRecord.objects.count() == 1

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            ({"status_NOPE": "present", "seen_NOPE": ""}, "lists an employee who is not on it"),
            ({"status_E1": "late"}, "“late” is not a status."),
            # A NUL, which PostgreSQL cannot even look up (it answered 500).
            ({"status_E\x00": "present", "seen_E\x00": ""}, "lists an employee who is not on it"),
            ({"only": "\x00"}, "That row is not on this roster."),
        ],
    )
    def test_tampered_post_saves_nothing(self, client, clerk, extra, message):
        EmployeeFactory(employee_id="E1")
        EmployeeFactory(employee_id="E2")
        data = roster_post(today(), {"E1": ("present", ""), "E2": ("present", "")}) | extra
        response = client.post(ROSTER, data)
        assertContains(response, message, status_code=400)
        assert not AttendanceRecord.objects.exists()

    def test_an_employee_of_another_department_is_not_on_this_roster(self, client, clerk):
        sales = DepartmentFactory(name="Sales")
        EmployeeFactory(employee_id="E1", department=sales)
        EmployeeFactory(employee_id="E2")
        data = roster_post(today(), {"E2": ("present", "")}) | {"department": sales.pk}
        response = client.post(ROSTER, data)
        assertContains(response, "lists an employee who is not on it", status_code=400)
        assert not AttendanceRecord.objects.exists()

    @pytest.mark.parametrize(
        ("date", "message"),
        [("2026-13-45", "Enter the date as YYYY-MM-DD"), ("2999-01-01", "is in the future")],
    )
    def test_bad_date_saves_nothing(self, client, clerk, date, message):
        EmployeeFactory(employee_id="E1")
        data = roster_post(today(), {"E1": ("present", "")}) | {"date": date}
        response = client.post(ROSTER, data)
        assertContains(response, message, status_code=400)
        assert not AttendanceRecord.objects.exists()

    def test_mark_all_unmarked_as_present_without_javascript(self, client, clerk):
        EmployeeFactory(employee_id="E1")
        EmployeeFactory(employee_id="E2")
        AttendanceRecordFactory(employee__employee_id="E3", status=Status.ABSENT)
        response = client.post(
            ROSTER,
            roster_post(today(), {"E1": ("", ""), "E2": ("wfh", ""), "E3": ("absent", "absent")})
            | {"fill": "present"},
        )
        assertContains(response, "Set 1 unmarked row to Present. Review the roster, then save it.")
        assertContains(response, 'name="status_E1" value="present" checked')
        assertContains(response, 'name="status_E2" value="wfh" checked')
        assertContains(response, 'name="status_E3" value="absent" checked')
        assert AttendanceRecord.objects.count() == 1  # nothing saved until Save

    def test_htmx_row_save_returns_the_row_and_new_counts(self, client, clerk, htmx_headers):
        EmployeeFactory(employee_id="E1", full_name="Amy Active")
        EmployeeFactory(employee_id="E2")
        data = roster_post(today(), {"E1": ("present", ""), "E2": ("absent", "")}) | {"only": "E1"}
        response = client.post(
            ROSTER, data, headers=htmx_headers("http://testserver/attendance/mark/")
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<tr id="row-E1"')
        # The whole form posted it: the answer takes the place of the row alone.
        assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#row-E1", "outerHTML")
        assert 'name="status_E1" value="present" checked' in html
        assert 'id="roster-counts" class="counts" hx-swap-oob="true"' in html
        assert "Saved attendance for" in html
        assert dict(AttendanceRecord.objects.values_list("employee__employee_id", "status")) == {
            "E1": "present"
        }

    def test_htmx_full_save_returns_the_fresh_roster(self, client, clerk, htmx_headers):
        EmployeeFactory(employee_id="E1")
        response = client.post(
            ROSTER,
            roster_post(today(), {"E1": ("present", "")}),
            headers=htmx_headers("http://testserver/attendance/mark/"),
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="roster"')
        assert 'name="seen_E1" value="present"' in html
        assert response["HX-Push-Url"] == f"{ROSTER}?date={today().isoformat()}"

    def test_get_changes_nothing_and_viewers_cannot_post(self, client, viewer):
        EmployeeFactory(employee_id="E1")
        response = client.post(ROSTER, roster_post(today(), {"E1": ("present", "")}))
        assert response.status_code == 403
        assert not AttendanceRecord.objects.exists()

    def test_marking_needs_change_permission_too(self, client, user_with):
        user_with("attendance.add_attendancerecord")
        EmployeeFactory(employee_id="E1")
        assert client.get(ROSTER).status_code == 200
        assert client.post(ROSTER, roster_post(today(), {"E1": ("present", "")})).status_code == 403


class TestAttendanceList:
    def test_newest_first_with_filters(self, client, clerk):
        sales = DepartmentFactory(name="Sales")
        amy = EmployeeFactory(employee_id="E1", full_name="Amy Active", department=sales)
        ben = EmployeeFactory(employee_id="E2", full_name="Ben Busy")
        for n in range(3):
            AttendanceRecordFactory(employee=amy, date=days_ago(n), status=Status.PRESENT)
        AttendanceRecordFactory(employee=ben, date=days_ago(1), status=Status.ABSENT)

        def listed(**params):
            page = client.get("/attendance/", params).context["page"]
            return [(r.employee.employee_id, (today() - r.date).days) for r in page]

        assert listed() == [("E1", 0), ("E1", 1), ("E2", 1), ("E1", 2)]
        assert listed(employee="ben") == [("E2", 1)]
        assert listed(employee="e1") == [("E1", 0), ("E1", 1), ("E1", 2)]
        assert listed(department=sales.pk) == [("E1", 0), ("E1", 1), ("E1", 2)]
        assert listed(status="absent") == [("E2", 1)]
        assert listed(start=days_ago(1).isoformat(), end=days_ago(1).isoformat()) == [
            ("E1", 1),
            ("E2", 1),
        ]

    def test_bad_filter_is_explained(self, client, clerk):
        response = client.get("/attendance/", {"start": "yesterday", "status": "late"})
        assert response.status_code == 200
        assertContains(response, "From: Enter a valid date.")
        assertContains(response, "Status: Select a valid choice.")

    def test_paginated_by_50(self, client, clerk):
        employee = EmployeeFactory(date_joined=days_ago(200))
        for n in range(60):
            AttendanceRecordFactory(employee=employee, date=days_ago(n))
        response = client.get("/attendance/", {"page": 2})
        assert len(response.context["page"]) == 10
        assertContains(response, "60 records, showing 51–60")

    def test_a_very_long_list_pages_only_so_far_and_says_so(self, client, clerk, monkeypatch):
        # Counting and paging millions of records would cost as much as reading them.
        monkeypatch.setattr("core.pagination.MAX_PAGED_ROWS", 55)
        employee = EmployeeFactory(date_joined=days_ago(200))
        for n in range(60):
            AttendanceRecordFactory(employee=employee, date=days_ago(n))
        response = client.get("/attendance/", {"page": 9})
        assert [(today() - r.date).days for r in response.context["page"]] == [50, 51, 52, 53, 54]
        assertContains(response, "More than 55 records, showing 51–55, newest first.")
        assertContains(response, "Narrow the dates or filters to see older ones.")
        assertContains(response, "Page 2 of 2")

    def test_htmx_gets_the_results(self, client, clerk, htmx_headers):
        AttendanceRecordFactory()
        response = client.get("/attendance/", headers=htmx_headers("http://testserver/attendance/"))
        assert response.content.decode().lstrip().startswith('<section id="results"')

    def test_viewer_sees_records_but_no_buttons(self, client, viewer):
        record = AttendanceRecordFactory()
        response = client.get("/attendance/")
        assertContains(response, record.employee.full_name)
        assertNotContains(response, f"/attendance/{record.pk}/edit/")
        assertNotContains(response, "Mark attendance")

    def test_query_count_does_not_grow(self, clerk, query_counts):
        def add(n):
            for employee in EmployeeFactory.create_batch(n):
                AttendanceRecordFactory(employee=employee, marked_by=clerk)

        few, many, _ = query_counts("/attendance/", add, few=5, more=195)
        # session, user, permissions (one query), department scope, departments, count, page;
        # the top bar's unread notifications (in the shared cache: a query unless it is Redis)
        assert few == many == 7 + shared_cache_cost()[0]


class TestEditAndDelete:
    def test_edit_full_page_and_save(self, client, clerk):
        record = AttendanceRecordFactory(
            employee__full_name="Amy Active", employee__employee_id="E1", status=Status.ABSENT
        )
        url = f"/attendance/{record.pk}/edit/"
        assertContains(client.get(url), "Edit Amy Active’s attendance on")
        response = client.post(url, {"status": "half_day", "note": "Doctor"}, follow=True)
        assertRedirects(response, "/attendance/")
        record.refresh_from_db()
        assert (record.status, record.note, record.marked_by) == ("half_day", "Doctor", clerk)

    def test_edit_in_the_dialog_refreshes_the_list(self, client, clerk, htmx_headers):
        record = AttendanceRecordFactory()
        response = client.post(
            f"/attendance/{record.pk}/edit/",
            {"status": "absent", "note": ""},
            headers=htmx_headers("http://testserver/attendance/?status=present"),
        )
        assert set(json.loads(response["HX-Trigger"])) == {"close-modal", "refresh-lists"}

    def test_edit_returns_to_where_it_came_from(self, client, clerk):
        record = AttendanceRecordFactory()
        back = f"/attendance/?employee={record.employee.employee_id}"
        response = client.post(
            f"/attendance/{record.pk}/edit/", {"status": "absent", "note": "", "next": back}
        )
        assertRedirects(response, back, fetch_redirect_response=False)
        elsewhere = client.post(
            f"/attendance/{record.pk}/edit/",
            {"status": "absent", "note": "", "next": "https://evil.example/"},
        )
        assertRedirects(elsewhere, "/attendance/", fetch_redirect_response=False)

    def test_invalid_status_saves_nothing(self, client, clerk):
        record = AttendanceRecordFactory(status=Status.ABSENT)
        response = client.post(f"/attendance/{record.pk}/edit/", {"status": "late", "note": ""})
        assertContains(response, "“late” is not a status.")
        record.refresh_from_db()
        assert record.status == Status.ABSENT

    def test_record_outside_employment_cannot_be_changed(self, client, clerk):
        record = AttendanceRecordFactory(date=days_ago(10), employee__date_joined=days_ago(30))
        type(record.employee).objects.filter(pk=record.employee_id).update(date_joined=days_ago(5))
        response = client.post(f"/attendance/{record.pk}/edit/", {"status": "absent", "note": ""})
        day = days_ago(10)
        assertContains(response, f"so {day.day} {day:%b %Y} cannot be marked")

    def test_delete_after_confirmation(self, client, clerk):
        record = AttendanceRecordFactory(employee__full_name="Amy Active")
        url = f"/attendance/{record.pk}/delete/"
        assertContains(client.get(url), "Delete this attendance record?")
        assert AttendanceRecord.objects.exists()
        response = client.post(url, follow=True)
        assert not AttendanceRecord.objects.exists()
        assert messages_of(response)[0].startswith("Deleted the record of Amy Active")

    def test_changes_need_permission(self, client, viewer):
        record = AttendanceRecordFactory(status=Status.ABSENT)
        assert (
            client.post(f"/attendance/{record.pk}/edit/", {"status": "present"}).status_code == 403
        )
        assert client.post(f"/attendance/{record.pk}/delete/").status_code == 403
        record.refresh_from_db()
        assert record.status == Status.ABSENT

    def test_unknown_record_is_404(self, client, clerk):
        assert client.get("/attendance/999999/edit/").status_code == 404


class TestProfileAttendance:
    @pytest.fixture
    def amy(self):
        return EmployeeFactory(employee_id="E1", full_name="Amy Active", date_joined=days_ago(400))

    def mark(self, employee, *statuses):
        start = today().replace(day=1)
        for n, status in enumerate(statuses):
            AttendanceRecordFactory(
                employee=employee, date=start + datetime.timedelta(n), status=status
            )

    def test_counts_and_rate_for_this_month(self, client, clerk, amy):
        if today().day < 5:
            pytest.skip("needs five days of this month behind us")
        self.mark(amy, "present", "wfh", "half_day", "absent", "on_leave")
        AttendanceRecordFactory(
            employee=amy, date=days_ago(40), status="absent"
        )  # outside the month
        response = client.get("/employees/E1/")
        summary = response.context["summary"]
        assert summary.counts == {"present": 1, "wfh": 1, "half_day": 1, "absent": 1, "on_leave": 1}
        # (1 + 1 + 0.5) / (5 - 1) = 62.5%
        assert summary.rate == pytest.approx(62.5)
        assertContains(response, "62.5%")

    def test_no_data_rather_than_zero(self, client, clerk, amy):
        response = client.get("/employees/E1/")
        assertContains(response, "no data")
        AttendanceRecordFactory(employee=amy, date=today(), status="on_leave")
        assertContains(client.get("/employees/E1/"), "no data")

    def test_a_chosen_period(self, client, clerk, amy):
        AttendanceRecordFactory(employee=amy, date=days_ago(40), status="absent")
        AttendanceRecordFactory(employee=amy, date=days_ago(39), status="present")
        response = client.get(
            "/employees/E1/", {"start": days_ago(45).isoformat(), "end": days_ago(35).isoformat()}
        )
        assert response.context["summary"].rate == pytest.approx(50.0)

    def test_correcting_a_record_changes_the_rate(self, client, clerk, amy):
        record = AttendanceRecordFactory(employee=amy, date=today(), status="absent")
        assertContains(client.get("/employees/E1/"), "0.0%")
        client.post(f"/attendance/{record.pk}/edit/", {"status": "present", "note": ""})
        assertContains(client.get("/employees/E1/"), "100.0%")

    def test_period_change_with_htmx_returns_the_section(self, client, clerk, amy, htmx_headers):
        response = client.get(
            "/employees/E1/",
            {"start": days_ago(10).isoformat(), "end": today().isoformat()},
            headers=htmx_headers("http://testserver/employees/E1/"),
        )
        assert response.content.decode().lstrip().startswith('<section id="attendance"')

    def test_end_before_start_is_explained(self, client, clerk, amy):
        response = client.get(
            "/employees/E1/", {"start": today().isoformat(), "end": days_ago(3).isoformat()}
        )
        assertContains(response, "The end of the period cannot be before its start.")

    def test_recent_records_are_listed(self, client, clerk, amy):
        AttendanceRecordFactory(employee=amy, date=days_ago(1), status="wfh", note="Snow day")
        assertContains(client.get("/employees/E1/"), "Snow day")
