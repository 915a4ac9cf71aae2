"""Working days: neither a weekly off day nor a holiday."""

import datetime

import pytest
from pytest_django.asserts import assertContains

from attendance import calendar
from attendance.models import Holiday

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2025, 3, 1)  # a Saturday


def test_weekends_are_off_by_default():
    march = calendar.Calendar.between(*calendar.month_bounds(MARCH))
    assert len(march.working_days()) == 21
    assert march.kind(datetime.date(2025, 3, 1)) == calendar.WEEKLY_OFF
    assert march.kind(datetime.date(2025, 3, 3)) == calendar.WORKING


def test_holidays_are_not_working_days():
    Holiday.objects.create(date=datetime.date(2025, 3, 17), name="St Patrick's Day")
    march = calendar.Calendar.between(*calendar.month_bounds(MARCH))
    assert len(march.working_days()) == 20
    assert march.kind(datetime.date(2025, 3, 17)) == calendar.HOLIDAY
    assert march.holidays == {datetime.date(2025, 3, 17): "St Patrick's Day"}


def test_weekly_off_days_are_configurable(settings):
    settings.WEEKLY_OFF_DAYS = [4]  # Fridays only
    march = calendar.Calendar.between(*calendar.month_bounds(MARCH))
    assert len(march.working_days()) == 31 - 4
    assert march.kind(datetime.date(2025, 3, 1)) == calendar.WORKING


def test_last_working_days_skip_offs_and_holidays():
    Holiday.objects.create(date=datetime.date(2025, 3, 14), name="Founders' Day")  # Friday
    days = calendar.last_working_days(3, until=datetime.date(2025, 3, 17))  # Monday
    assert days == [
        datetime.date(2025, 3, 12),
        datetime.date(2025, 3, 13),
        datetime.date(2025, 3, 17),
    ]


def test_month_bounds():
    assert calendar.month_bounds(datetime.date(2024, 2, 10)) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
    )


class TestHolidayPages:
    @pytest.fixture
    def hr(self, user_with):
        return user_with(
            "attendance.view_holiday",
            "attendance.add_holiday",
            "attendance.change_holiday",
            "attendance.delete_holiday",
            username="hr",
        )

    def test_list_by_year(self, client, hr):
        Holiday.objects.create(date=datetime.date(2025, 12, 25), name="Christmas Day")
        Holiday.objects.create(date=datetime.date(2026, 1, 1), name="New Year's Day")
        response = client.get("/holidays/", {"year": 2025})
        assert [h.name for h in response.context["holidays"]] == ["Christmas Day"]

    def test_add_edit_delete(self, client, hr):
        client.post("/holidays/new/", {"date": "2025-12-25", "name": " Christmas Day "})
        holiday = Holiday.objects.get()
        assert holiday.name == "Christmas Day"
        client.post(f"/holidays/{holiday.pk}/edit/", {"date": "2025-12-26", "name": "Boxing Day"})
        holiday.refresh_from_db()
        assert (holiday.date, holiday.name) == (datetime.date(2025, 12, 26), "Boxing Day")
        assertContains(client.get(f"/holidays/{holiday.pk}/delete/"), "will be a working day again")
        client.post(f"/holidays/{holiday.pk}/delete/")
        assert not Holiday.objects.exists()

    def test_a_day_is_one_holiday_only(self, client, hr):
        Holiday.objects.create(date=datetime.date(2025, 12, 25), name="Christmas Day")
        response = client.post("/holidays/new/", {"date": "2025-12-25", "name": "Xmas"})
        assertContains(response, "25 Dec 2025 is already a holiday: Christmas Day.")
        assert Holiday.objects.count() == 1

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"date": "", "name": "X"}, "Enter the holiday&#x27;s date."),
            ({"date": "2025-13-45", "name": "X"}, "Enter the date as YYYY-MM-DD"),
            ({"date": "2025-12-25", "name": "   "}, "Enter the holiday&#x27;s name"),
        ],
    )
    def test_bad_input_is_explained(self, client, hr, data, message):
        assertContains(client.post("/holidays/new/", data), message)
        assert not Holiday.objects.exists()

    def test_changes_need_permission(self, client, user_with):
        user_with("attendance.view_holiday")
        assert client.get("/holidays/").status_code == 200
        assert client.post("/holidays/new/", {"date": "2025-12-25", "name": "X"}).status_code == 403
        assert not Holiday.objects.exists()
