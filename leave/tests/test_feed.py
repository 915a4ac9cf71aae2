"""The calendar feed's address: the owner's own and their team's leave, and holidays."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Holiday
from employees.tests.factories import EmployeeFactory
from leave import services
from leave.models import Leave
from leave.tests.factories import LeaveTypeFactory
from leave.tests.test_ical import unescape, unfold

pytestmark = pytest.mark.django_db


def events(response) -> dict[str, dict]:
    """Each VEVENT's properties (name with its parameters -> value), by SUMMARY."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found, current = {}, None
    for line in unfold(response.content.decode()):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found[unescape(current["SUMMARY"])] = current
            current = None
        elif current is not None:
            current[name] = value
    return found


def feed_url(user) -> str:
    return reverse("leave:feed", args=[services.calendar_feed_create(user=user)])


@pytest.fixture
def today():
    return timezone.localdate()


class TestFeed:
    def test_the_owners_and_their_teams_leave_as_all_day_events(
        self, client, office, approved, today
    ):
        start = today + datetime.timedelta(days=10)
        own = approved(office["lead"], start, start + datetime.timedelta(days=2))
        approved(office["worker"], start, part=Leave.Part.AFTERNOON)
        Holiday.objects.create(date=start, name="Founders' Day")

        found = events(client.get(feed_url(office["lead"].user)))

        assert set(found) == {
            "Lee Lead — Annual leave",
            "Wes Worker — Annual leave",
            "Holiday — Founders' Day",
        }
        mine = found["Lee Lead — Annual leave"]
        assert mine["UID"] == f"leave-{own.pk}@hrms-lite"
        assert mine["DTSTART;VALUE=DATE"] == start.isoformat().replace("-", "")
        after = start + datetime.timedelta(days=3)  # exclusive: the day after the last
        assert mine["DTEND;VALUE=DATE"] == after.isoformat().replace("-", "")
        half = found["Wes Worker — Annual leave"]
        assert "(half day\\, afternoon)" in half["DESCRIPTION"]
        assert found["Holiday — Founders' Day"]["DTSTART;VALUE=DATE"] == half["DTSTART;VALUE=DATE"]

    def test_the_same_leave_keeps_its_uid(self, client, office, approved, today):
        approved(office["worker"], today)
        url = feed_url(office["worker"].user)

        first, second = client.get(url).content, client.get(url).content

        assert first == second

    def test_nobody_elses_leave(self, client, office, approved, today):
        for person in ("boss", "lead", "worker", "olga"):
            approved(office[person], today)

        found = events(client.get(feed_url(office["lead"].user)))

        assert set(found) == {"Lee Lead — Annual leave", "Wes Worker — Annual leave"}

    def test_a_report_in_a_department_the_owner_may_not_see(self, client, office, approved, today):
        # An HR admin limited to Sales, who manages someone in Other.
        own = EmployeeFactory(employee_id="HRS", full_name="Hal Sales", department=office["sales"])
        own.user = office["hr_sales"]
        own.save()
        office["olga"].manager = own
        office["olga"].save()
        approved(office["olga"], today)
        approved(own, today)

        found = events(client.get(feed_url(office["hr_sales"])))

        assert set(found) == {"Hal Sales — Annual leave"}

    def test_only_approved_leave_from_90_days_back_to_a_year_ahead(
        self, client, office, approved, today
    ):
        worker = office["worker"]
        days = datetime.timedelta
        approved(worker, today - days(91), leave_type=LeaveTypeFactory(name="Too old"))
        approved(
            worker, today - days(95), today - days(90), leave_type=LeaveTypeFactory(name="Ends in")
        )
        approved(worker, today + days(365), leave_type=LeaveTypeFactory(name="Last day"))
        approved(worker, today + days(366), leave_type=LeaveTypeFactory(name="Too far"))
        approved(
            worker, today, state=Leave.State.PENDING, leave_type=LeaveTypeFactory(name="Pending")
        )
        approved(
            worker, today, state=Leave.State.REVOKED, leave_type=LeaveTypeFactory(name="Revoked")
        )

        found = events(client.get(feed_url(worker.user)))

        assert set(found) == {"Wes Worker — Ends in", "Wes Worker — Last day"}

    def test_text_is_escaped_and_long_lines_folded(self, client, office, approved, today):
        office["worker"].full_name = ("Wes, the; Worker\\Ünïcödé " * 3).strip()
        office["worker"].save()
        approved(office["worker"], today)

        response = client.get(feed_url(office["worker"].user))

        raw = response.content.decode()
        assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
        assert "Wes\\, the\\; Worker\\\\Ünïcödé" in raw.replace("\r\n ", "")
        assert set(events(response)) == {f"{office['worker'].full_name} — Annual leave"}

    def test_no_session_is_needed_and_none_is_made(self, client, office, today):
        response = client.get(feed_url(office["worker"].user))
        assert response.status_code == 200
        assert "sessionid" not in response.cookies

    def test_an_unknown_token_is_not_found(self, client, office):
        services.calendar_feed_create(user=office["worker"].user)
        assert client.get(reverse("leave:feed", args=["made-up"])).status_code == 404

    def test_a_revoked_feed_is_not_found(self, client, office):
        url = feed_url(office["worker"].user)
        services.calendar_feed_revoke(user=office["worker"].user)
        assert client.get(url).status_code == 404

    def test_a_deactivated_owner_is_not_found(self, client, office):
        user = office["worker"].user
        url = feed_url(user)
        user.is_active = False
        user.save()
        assert client.get(url).status_code == 404

    def test_get_only(self, client, office):
        assert client.post(feed_url(office["worker"].user)).status_code == 405

    def test_queries_do_not_grow_with_leave(
        self, client, office, approved, today, django_assert_max_num_queries
    ):
        url = feed_url(office["lead"].user)

        def add(n):
            for i in range(n):
                report = EmployeeFactory(department=office["sales"], manager=office["lead"])
                approved(report, today + datetime.timedelta(days=i))
                n = Holiday.objects.count()
                Holiday.objects.create(date=today + datetime.timedelta(days=n), name=f"H{n}")

        add(2)
        with django_assert_max_num_queries(8) as few:
            assert len(events(client.get(url))) == 4
        add(40)
        with django_assert_max_num_queries(len(few)):
            assert len(events(client.get(url))) == 84
