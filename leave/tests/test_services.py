import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attendance.models import AttendanceRecord
from employees.tests.factories import EmployeeFactory
from leave import services
from leave.models import Entitlement, Leave, LeaveType
from leave.selectors import accrued, balances
from leave.tests.factories import LeaveTypeFactory
from timeclock.models import PatternAssignment, WorkPattern, WorkPatternDay
from timeclock.services import days_derive

YEAR = timezone.localdate().year


@pytest.fixture
def person(db):
    return EmployeeFactory(date_joined=datetime.date(YEAR - 2, 1, 1))


def monday(year=YEAR + 1, month=3):
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


class TestAccrual:
    def test_up_front_is_all_there_on_the_first_day(self):
        annual = LeaveType(days_per_year=Decimal(20), accrual=LeaveType.Accrual.UP_FRONT)
        assert accrued(annual, Decimal(20), 2026, datetime.date(2026, 1, 1)) == 20

    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (datetime.date(2026, 1, 1), Decimal("1.5")),  # 20/12 = 1.67, in half days down
            (datetime.date(2026, 6, 30), Decimal(10)),
            (datetime.date(2026, 12, 31), Decimal(20)),
            (datetime.date(2027, 2, 1), Decimal(20)),  # a past year: all of it
            (datetime.date(2025, 12, 31), Decimal(0)),  # a year not begun: none
        ],
    )
    def test_monthly_earns_a_twelfth_each_month(self, on, expected):
        monthly = LeaveType(accrual=LeaveType.Accrual.MONTHLY)
        assert accrued(monthly, Decimal(20), 2026, on) == expected


class TestCount:
    def test_by_the_employees_own_pattern(self, person):
        four_days = WorkPattern.objects.create(name="Mon–Thu")
        for weekday in range(4):
            WorkPatternDay.objects.create(
                pattern=four_days,
                weekday=weekday,
                working=True,
                start=datetime.time(9),
                end=datetime.time(17),
                full_day_minutes=420,
                half_day_minutes=210,
            )
        PatternAssignment.objects.create(
            employee=person, pattern=four_days, starts_on=datetime.date(YEAR - 1, 1, 1)
        )
        counted = services.leave_count(
            employee=person,
            leave_type=LeaveTypeFactory(),
            start=monday(),
            end=monday() + datetime.timedelta(days=6),
        )
        assert counted.total == 4  # Friday is off for them, as the weekend

    def test_a_type_counting_every_day(self, person):
        counted = services.leave_count(
            employee=person,
            leave_type=LeaveTypeFactory(name="Parental", counts_non_working=True),
            start=monday(),
            end=monday() + datetime.timedelta(days=6),
        )
        assert counted.total == 7

    def test_half_day_where_the_type_does_not_allow_it(self, person):
        with pytest.raises(ValidationError, match="whole days only"):
            services.leave_count(
                employee=person,
                leave_type=LeaveTypeFactory(name="Study", half_days=False),
                start=monday(),
                end=monday(),
                part=Leave.Part.MORNING,
            )


class TestCheck:
    def test_negative_allowed_for_unpaid(self, person):
        unpaid = LeaveTypeFactory(name="Unpaid", days_per_year=0, allow_negative=True)
        counted = services.leave_check(
            employee=person,
            leave_type=unpaid,
            start=monday(),
            end=monday() + datetime.timedelta(days=4),
        )
        assert counted.total == 5

    def test_own_entitlement_overrides_the_default(self, person):
        annual = LeaveTypeFactory()
        services.entitlement_set(employee=person, leave_type=annual, year=YEAR + 1, days=Decimal(2))
        with pytest.raises(ValidationError, match="2 days are available"):
            services.leave_check(
                employee=person,
                leave_type=annual,
                start=monday(),
                end=monday() + datetime.timedelta(days=2),
            )

    def test_after_leaving(self, person):
        person.date_left = monday() - datetime.timedelta(days=10)
        with pytest.raises(ValidationError, match="left on"):
            services.leave_check(
                employee=person, leave_type=LeaveTypeFactory(), start=monday(), end=monday()
            )


class TestCarryOver:
    def test_carries_what_is_left_up_to_the_limit(self, person):
        annual = LeaveTypeFactory(days_per_year=Decimal(20), carry_over_max=Decimal(5))
        sick = LeaveTypeFactory(name="Sick", days_per_year=Decimal(10), carry_over_max=0)
        last_year = YEAR - 1
        Leave.objects.create(
            employee=person,
            leave_type=annual,
            start=datetime.date(last_year, 3, 2),
            end=datetime.date(last_year, 3, 27),
            days=Decimal(18),
            state=Leave.State.APPROVED,
        )
        assert services.leave_carry_over(year=last_year) == 1
        own = Entitlement.objects.get(employee=person, leave_type=annual, year=YEAR)
        assert own.carried_over == 2  # 20 - 18, under the limit of 5
        assert not Entitlement.objects.filter(leave_type=sick).exists()
        (balance,) = balances(person, year=YEAR, types=[annual])
        assert balance.available == 22
        # Again: the same figure, not twice as much.
        services.leave_carry_over(year=last_year)
        own.refresh_from_db()
        assert own.carried_over == 2

    def test_capped_at_the_limit(self, person):
        annual = LeaveTypeFactory(days_per_year=Decimal(20), carry_over_max=Decimal(5))
        services.leave_carry_over(year=YEAR - 1)
        own = Entitlement.objects.get(employee=person, leave_type=annual, year=YEAR)
        assert own.carried_over == 5


def test_approved_leave_stays_when_the_day_is_derived(person, django_capture_on_commit_callbacks):
    """The clock's derivation keeps a day of approved leave as it is, and says why."""
    pattern = WorkPattern.objects.create(name="Office")
    day = timezone.localdate() - datetime.timedelta(days=3)
    WorkPatternDay.objects.create(
        pattern=pattern,
        weekday=day.weekday(),
        working=True,
        start=datetime.time(9),
        end=datetime.time(17),
        full_day_minutes=420,
        half_day_minutes=210,
    )
    PatternAssignment.objects.create(employee=person, pattern=pattern, starts_on=person.date_joined)
    annual = LeaveTypeFactory(counts_non_working=True)
    with django_capture_on_commit_callbacks(execute=True):
        leave = services.leave_request(employee=person, leave_type=annual, start=day, end=day)
        services.leaves_approve(leaves=[leave], note="approved by lead")
    days_derive(day)
    record = AttendanceRecord.objects.get(employee=person, date=day)
    assert (record.status, record.source) == ("on_leave", "leave")
    assert record.note == "Annual leave: approved by lead"
    assert person.outcomes.get(date=day).reason == "Annual leave: approved by lead"
    # Released: the day is the clock's again (no punches: absent).
    with django_capture_on_commit_callbacks(execute=True):
        services.leaves_release(leaves=[leave], state=Leave.State.REVOKED)
    days_derive(day)
    record = AttendanceRecord.objects.get(employee=person, date=day)
    assert (record.status, record.source) == ("absent", "clock")
