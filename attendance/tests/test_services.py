"""The attendance rules, on every write path: marking, correcting, and the roster."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceRecord
from attendance.services import RosterEntry
from core.testing import in_parallel, shared_cache_cost
from employees.models import Employee
from employees.tests.factories import EmployeeFactory

from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db
Status = AttendanceRecord.Status


def today():
    return timezone.localdate()


def days_ago(n):
    return today() - datetime.timedelta(days=n)


@pytest.fixture
def jane():
    return EmployeeFactory(
        employee_id="E1", full_name="Jane Smith", date_joined=datetime.date(2024, 3, 1)
    )


class TestRules:
    def test_future_date_is_refused(self, jane):
        tomorrow = today() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            services.attendance_mark(employee=jane, day=tomorrow, status=Status.PRESENT)
        assert error.value.messages == [
            f"{tomorrow.day} {tomorrow:%b %Y} is in the future. Attendance can be marked for today "
            f"({today().day} {today():%b %Y}) or earlier."
        ]
        assert not AttendanceRecord.objects.exists()

    def test_today_is_allowed(self, jane):
        record = services.attendance_mark(employee=jane, day=today(), status=Status.PRESENT)
        assert record.pk

    def test_the_configured_time_zone_decides_what_today_is(self, jane, settings):
        settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: already tomorrow there
        local_today = timezone.localdate()
        services.attendance_mark(employee=jane, day=local_today, status=Status.PRESENT)
        with pytest.raises(ValidationError, match="in the future"):
            services.attendance_mark(
                employee=jane, day=local_today + datetime.timedelta(days=1), status=Status.PRESENT
            )

    def test_before_joining_is_refused(self, jane):
        with pytest.raises(ValidationError) as error:
            services.attendance_mark(
                employee=jane, day=datetime.date(2024, 2, 29), status=Status.PRESENT
            )
        assert error.value.messages == [
            "Jane Smith (E1) joined on 1 Mar 2024, so 29 Feb 2024 cannot be marked. "
            "Pick a later date, or correct the joining date first."
        ]

    def test_joining_day_is_allowed(self, jane):
        services.attendance_mark(
            employee=jane, day=datetime.date(2024, 3, 1), status=Status.PRESENT
        )
        assert AttendanceRecord.objects.count() == 1

    def test_after_leaving_is_refused_and_the_last_day_is_allowed(self, jane):
        jane.is_active, jane.date_left = False, days_ago(5)
        jane.save()
        services.attendance_mark(employee=jane, day=days_ago(5), status=Status.PRESENT)
        with pytest.raises(ValidationError) as error:
            services.attendance_mark(employee=jane, day=days_ago(4), status=Status.PRESENT)
        assert "left on" in error.value.messages[0]
        assert "Pick an earlier date, or correct the leaving date first." in error.value.messages[0]

    def test_inactive_employees_past_days_can_still_be_corrected(self, jane):
        record = services.attendance_mark(employee=jane, day=days_ago(10), status=Status.ABSENT)
        jane.is_active, jane.date_left = False, days_ago(2)
        jane.save()
        services.attendance_update(record=record, status=Status.PRESENT, note="Was on site")
        record.refresh_from_db()
        assert (record.status, record.note) == (Status.PRESENT, "Was on site")

    def test_inactive_without_a_leaving_date_is_refused(self, jane):
        Employee.objects.filter(pk=jane.pk).update(is_active=False)
        jane.refresh_from_db()
        with pytest.raises(ValidationError, match="is inactive and has no leaving date"):
            services.attendance_mark(employee=jane, day=today(), status=Status.PRESENT)

    def test_duplicate_is_refused_and_names_the_existing_record(self, jane):
        services.attendance_mark(employee=jane, day=today(), status=Status.PRESENT)
        with pytest.raises(ValidationError) as error:
            services.attendance_mark(employee=jane, day=today(), status=Status.ABSENT)
        assert error.value.messages[0].startswith(
            f"Jane Smith (E1) is already marked Present on {today().day} {today():%b %Y}. "
            "To change it"
        )
        assert AttendanceRecord.objects.get().status == Status.PRESENT

    @pytest.mark.parametrize(("field", "value"), [("status", "late"), ("note", "x" * 201)])
    def test_invalid_status_or_long_note_is_refused(self, jane, field, value):
        values = {"status": Status.PRESENT, "note": ""} | {field: value}
        with pytest.raises(ValidationError) as error:
            services.attendance_mark(employee=jane, day=today(), **values)
        assert field in error.value.message_dict
        assert not AttendanceRecord.objects.exists()

    def test_the_python_rule_and_the_roster_query_agree(self):
        """`Employee.was_employed_on` and `Employee.objects.employed_on` are the same test."""
        people = [
            EmployeeFactory(date_joined=days_ago(30)),
            EmployeeFactory(date_joined=days_ago(3)),
            EmployeeFactory(date_joined=days_ago(30), is_active=False, date_left=days_ago(5)),
            EmployeeFactory(date_joined=days_ago(30), is_active=False, date_left=None),
            EmployeeFactory(date_joined=days_ago(30), date_left=today() + datetime.timedelta(3)),
        ]
        for day in (days_ago(31), days_ago(10), days_ago(5), days_ago(4), today()):
            in_query = set(Employee.objects.employed_on(day).values_list("pk", flat=True))
            assert in_query == {p.pk for p in people if p.was_employed_on(day)}, day


class TestMarkConcurrently:
    def test_a_duplicate_that_slips_past_validation_is_caught_by_the_database(
        self, jane, monkeypatch
    ):
        AttendanceRecordFactory(employee=jane, date=today(), status=Status.ABSENT)
        real_full_clean = AttendanceRecord.full_clean
        calls = []

        def miss_the_first_check(self, *args, **kwargs):
            calls.append(1)
            if len(calls) > 1:
                real_full_clean(self, *args, **kwargs)

        monkeypatch.setattr(AttendanceRecord, "full_clean", miss_the_first_check)
        with pytest.raises(ValidationError, match="is already marked Absent"):
            services.attendance_mark(employee=jane, day=today(), status=Status.PRESENT)
        assert AttendanceRecord.objects.count() == 1


def run_at_once(monkeypatch, owner, name, *jobs, wait="after"):
    """Run each job in its own thread and connection; all meet at `owner.name`.

    With wait="after" they meet once each has run it (e.g. both have validated),
    with wait="before" as they are about to run it (e.g. both start saving).
    """
    barrier = threading.Barrier(len(jobs), timeout=10)
    real = getattr(owner, name)
    local = threading.local()

    def meet():
        if not getattr(local, "met", False):
            local.met = True
            barrier.wait()

    def wrapped(*args, **kwargs):
        if wait == "before":
            meet()
        result = real(*args, **kwargs)
        if wait == "after":
            meet()
        return result

    monkeypatch.setattr(owner, name, wrapped)
    outcomes = []

    def run(job):
        try:
            outcomes.append(("ok", job()))
        except ValidationError as error:
            outcomes.append(("refused", error))

    in_parallel(run, jobs)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestTwoClerksAtOnce:
    """Two clerks saving the same employee and day at the same moment (PostgreSQL)."""

    @pytest.fixture(autouse=True)
    def _postgres_only(self):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: SQLite serialises writers")

    def test_marking_one_record_each(self, monkeypatch):
        employee = EmployeeFactory(full_name="Jane Smith", employee_id="E1")
        outcomes = run_at_once(
            monkeypatch,
            AttendanceRecord,
            "full_clean",
            lambda: services.attendance_mark(employee=employee, day=today(), status=Status.PRESENT),
            lambda: services.attendance_mark(employee=employee, day=today(), status=Status.ABSENT),
        )
        assert AttendanceRecord.objects.count() == 1
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
        refusal = next(value for kind, value in outcomes if kind == "refused")
        saved = AttendanceRecord.objects.get()
        assert refusal.messages[0].startswith(
            f"Jane Smith (E1) is already marked {saved.get_status_display()} on"
        )

    def test_saving_the_same_roster_row(self, monkeypatch):
        employee = EmployeeFactory(full_name="Jane Smith", employee_id="E1")

        def save(status):
            return lambda: services.roster_save(
                day=today(), entries=[RosterEntry(employee=employee, status=status, seen="")]
            )

        # Both clerks loaded the roster with Jane not marked; both save her row.
        outcomes = run_at_once(
            monkeypatch, services, "attendance_check", save(Status.PRESENT), save(Status.ABSENT)
        )
        assert AttendanceRecord.objects.count() == 1
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
        refusal = next(value for kind, value in outcomes if kind == "refused")
        assert list(refusal.message_dict) == ["E1"]
        assert (
            "Someone else changed Jane Smith (E1) while you were editing"
            in (refusal.message_dict["E1"][0])
        )

    def test_changing_the_same_marked_row(self, monkeypatch):
        record = AttendanceRecordFactory(status=Status.ABSENT)

        def save(status):
            return lambda: services.roster_save(
                day=record.date,
                entries=[RosterEntry(employee=record.employee, status=status, seen=Status.ABSENT)],
            )

        # Both saw Absent; the second waits on the first's row lock, then sees its change.
        outcomes = run_at_once(
            monkeypatch,
            services,
            "roster_save",
            save(Status.PRESENT),
            save(Status.ON_LEAVE),
            wait="before",
        )
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
        record.refresh_from_db()
        refusal = next(value for kind, value in outcomes if kind == "refused")
        code = record.employee.employee_id
        assert f"(now: {record.get_status_display()})" in refusal.message_dict[code][0]


class TestRosterSave:
    def test_creates_and_updates_in_a_bounded_number_of_queries(
        self, django_user_model, django_assert_max_num_queries
    ):
        clerk = django_user_model.objects.create_user("clerk")
        people = EmployeeFactory.create_batch(60)
        for person in people[:20]:
            AttendanceRecordFactory(employee=person, status=Status.ABSENT)
        entries = [
            RosterEntry(employee=p, status=Status.PRESENT, seen=Status.ABSENT if i < 20 else "")
            for i, p in enumerate(people)
        ]
        # And the day's new figures version, in the shared cache; one for the closed months.
        with django_assert_max_num_queries(9 + shared_cache_cost()[1]):
            result = services.roster_save(day=today(), entries=entries, by=clerk)
        assert (result.created, result.updated) == (40, 20)
        assert AttendanceRecord.objects.filter(status=Status.PRESENT, marked_by=clerk).count() == 60

    def test_rows_left_as_they_were_are_not_touched(self):
        record = AttendanceRecordFactory(status=Status.ABSENT)
        result = services.roster_save(
            day=record.date,
            entries=[
                RosterEntry(employee=record.employee, status=Status.ABSENT, seen=Status.ABSENT)
            ],
        )
        assert result.saved == 0

    def test_one_invalid_row_saves_none_and_says_which_and_why(self, jane):
        fine = EmployeeFactory(employee_id="E2")
        late_joiner = EmployeeFactory(employee_id="E3", date_joined=today())
        day = days_ago(1)
        with pytest.raises(ValidationError) as error:
            services.roster_save(
                day=day,
                entries=[
                    RosterEntry(employee=jane, status=Status.PRESENT, seen=""),
                    RosterEntry(employee=fine, status=Status.ABSENT, seen=""),
                    RosterEntry(employee=late_joiner, status=Status.PRESENT, seen=""),
                ],
            )
        assert list(error.value.message_dict) == ["E3"]
        assert "joined on" in error.value.message_dict["E3"][0]
        assert not AttendanceRecord.objects.exists()

    def test_a_row_changed_by_someone_else_since_loading_is_refused(self, jane):
        AttendanceRecordFactory(employee=jane, date=today(), status=Status.ON_LEAVE)
        with pytest.raises(ValidationError) as error:
            services.roster_save(
                day=today(), entries=[RosterEntry(employee=jane, status=Status.PRESENT, seen="")]
            )
        assert error.value.message_dict["E1"] == [
            "Someone else changed Jane Smith (E1) while you were editing (now: On leave). "
            "Nothing was saved; reload the roster to see their change, then save again."
        ]
        assert AttendanceRecord.objects.get().status == Status.ON_LEAVE

    def test_future_day_is_refused_for_every_row(self, jane):
        with pytest.raises(ValidationError, match="in the future"):
            services.roster_save(
                day=today() + datetime.timedelta(days=1),
                entries=[RosterEntry(employee=jane, status=Status.PRESENT, seen="")],
            )
