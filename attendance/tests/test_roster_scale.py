"""The roster at any size: a page at a time, each page saved whole, and light enough to load.

The employees are made with one bulk insert (thousands of them), not one factory each.
"""

import datetime
import math
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import timezone

from attendance.models import AttendanceRecord
from employees.models import Department, Employee

pytestmark = pytest.mark.django_db
ROSTER = "/attendance/mark/"
FORM = "application/x-www-form-urlencoded"  # as a browser posts a form
ROW = re.compile(r'<tr id="row-')
SEEN = re.compile(r'name="seen_([^"]+)" value="([^"]*)"')


@pytest.fixture
def clerk(user_with):
    return user_with("attendance.add_attendancerecord", "attendance.change_attendancerecord")


def hire(n: int, department: Department, *, start: int = 0) -> None:
    """`n` employees of `department`, in code order by name: "Person 00000", "Person 00001"..."""
    joined = timezone.localdate() - datetime.timedelta(days=30)
    Employee.objects.bulk_create(
        Employee(
            employee_id=f"EMP{i:05d}",
            full_name=f"Person {i:05d}",
            email=f"emp{i:05d}@example.com",
            department=department,
            date_joined=joined,
        )
        for i in range(start, start + n)
    )


def page_form(response) -> dict[str, str]:
    """The roster page's form as a browser posts it: every row marked Present."""
    html = response.content.decode()
    data = {
        "date": re.search(r'name="date" value="([^"]*)" id="roster-date"', html)[1],
        "department": re.search(r'name="department" value="([^"]*)"', html)[1],
        "page": re.search(r'name="page" value="([^"]*)"', html)[1],
        "save": "all",
    }
    for code, seen in SEEN.findall(html):
        data[f"status_{code}"] = "present"
        data[f"seen_{code}"] = seen
    return data


class TestLargeRosters:
    def test_a_department_of_2000_saves_in_one_post(self, client, clerk):
        department = Department.objects.create(name="Operations")
        hire(2000, department)
        data = {"date": timezone.localdate().isoformat(), "department": department.pk}
        for i in range(2000):
            data[f"status_EMP{i:05d}"] = "present"
            data[f"seen_EMP{i:05d}"] = ""
        response = client.post(ROSTER, urlencode(data), content_type=FORM)
        assert response.status_code == 302
        assert AttendanceRecord.objects.filter(status="present").count() == 2000

    def test_a_roster_larger_than_one_post_shows_and_saves_a_page_at_a_time(self, client, clerk):
        """Everyone of a company larger than a POST can carry: each page is its own form,
        small enough to arrive whole, and saving one keeps what the others saved."""
        per_page, largest = settings.ROSTER_PER_PAGE, settings.ROSTER_MAX_ROWS
        hire(largest // 2, Department.objects.create(name="Operations"))
        hire(largest - largest // 2 + 1, Department.objects.create(name="Sales"), start=largest)
        pages = math.ceil((largest + 1) / per_page)

        first = client.get(ROSTER)
        assert first.status_code == 200
        assert len(ROW.findall(first.content.decode())) == per_page
        assert f"Page 1 of {pages:,}" in first.content.decode()
        response = client.post(ROSTER, urlencode(page_form(first)), content_type=FORM)
        assert response.status_code == 302

        last = client.get(ROSTER, {"page": pages})
        rows = len(ROW.findall(last.content.decode()))
        assert rows == (largest + 1) - (pages - 1) * per_page
        response = client.post(ROSTER, urlencode(page_form(last)), content_type=FORM)
        assert response.status_code == 302
        assert f"page={pages}" in response["Location"]

        assert AttendanceRecord.objects.count() == per_page + rows
        # The first page shows what was saved on it.
        again = client.get(ROSTER)
        assert set(dict(SEEN.findall(again.content.decode())).values()) == {"present"}
        assert again.context["counts"]["present"] == per_page + rows


class TestRosterWeight:
    """What a page of the roster weighs, uncompressed (measured: 160 KB for 200 people,
    750 bytes a person more, 761 KB for the first page of 2,000): kept ~20% under."""

    def size(self, client, department) -> int:
        response = client.get(ROSTER, {"department": department.pk})
        assert response.status_code == 200
        return len(response.content)

    def test_a_row_weighs_under_900_bytes_and_200_people_under_200_kb(self, client, clerk):
        department = Department.objects.create(name="Operations")
        hire(200, department)
        two_hundred = self.size(client, department)
        hire(200, department, start=200)
        four_hundred = self.size(client, department)
        assert two_hundred < 200_000
        assert (four_hundred - two_hundred) / 200 < 900

    def test_the_roster_of_2000_people_is_under_1_mb(self, client, clerk):
        department = Department.objects.create(name="Operations")
        hire(2000, department)
        response = client.get(ROSTER, {"department": department.pk})
        assert len(ROW.findall(response.content.decode())) == settings.ROSTER_PER_PAGE
        assert len(response.content) < 1_000_000
