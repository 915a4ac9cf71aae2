"""Importing devices' punch logs: good rows kept, bad rows refused with a reason, rows
repeated or out of time order kept and reported as warnings, and the same file twice
changes nothing."""

import datetime
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains, assertNotContains

from accounts.scoping import EVERYTHING
from employees.tests.factories import EmployeeFactory
from jobs.models import Job
from timeclock.imports import FileRefused, punches_import
from timeclock.models import Punch

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 12, 4, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff():
    return {
        "E1": EmployeeFactory(employee_id="E1", date_joined=datetime.date(2025, 1, 1)),
        "E2": EmployeeFactory(
            employee_id="E2",
            date_joined=datetime.date(2025, 1, 1),
            date_left=datetime.date(2026, 11, 30),
            is_active=False,
        ),
    }


def run(text, scope=EVERYTHING):
    return punches_import(content=text.encode(), zone=LONDON, scope=scope, now=NOW)


CSV = """Employee code,Time,Direction,Device
E1,2026-12-02 09:01:00,in,Front door
E1,2026-12-02 12:00:00,,Front door
e1,2026-12-02 17:35,out,Front door
"""


def test_a_csv_is_read_in_the_devices_time_zone(staff):
    report = run(CSV)
    assert (report.rows, report.added, report.refused) == (3, 3, 0)
    first = Punch.objects.order_by("at").first()
    assert first.at == datetime.datetime(2026, 12, 2, 9, 1, tzinfo=LONDON)
    assert (first.direction, first.source, first.device) == ("in", "device", "Front door")
    assert Punch.objects.filter(direction="unknown").count() == 1


def test_the_same_file_twice_changes_nothing(staff):
    run(CSV)
    again = run(CSV)
    assert (again.added, again.already) == (0, 3)
    assert Punch.objects.count() == 3
    assert again.message == "Read 3 punches: 0 added, 3 already in the log."


def test_a_zkteco_log(staff):
    log = "     E1\t2026-12-02 08:58:12\t1\t0\t1\t0\n     E1\t2026-12-02 17:31:40\t1\t1\t1\t0\n"
    report = run(log)
    assert report.added == 2
    assert list(Punch.objects.order_by("at").values_list("direction", flat=True)) == ["in", "out"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(CSV.encode(), id="lines ending in LF"),
        pytest.param(CSV.replace("\n", "\r\n").encode(), id="CRLF"),
        pytest.param(CSV.replace("\n", "\r").encode(), id="CR"),
        pytest.param(b"\xef\xbb\xbf" + CSV.encode(), id="UTF-8 with a byte order mark"),
        pytest.param(CSV.replace("Front door", "Porte d’entrée").encode("cp1252"), id="cp1252"),
        pytest.param(
            b"\r\nE1\t2026-12-02 09:01:00\t1\t0\r\n\r\nE1\t2026-12-02 12:00:00\t1\t0\r\n"
            b"E1\t2026-12-02 17:35:00\t1\t1\r\n",
            id="ZKTeco, CRLF, blank lines",
        ),
    ],
)
def test_a_file_is_read_whatever_its_line_endings_and_encoding(staff, content):
    report = punches_import(content=content, zone=LONDON, scope=EVERYTHING, now=NOW)
    assert (report.rows, report.added, report.refused, report.warned) == (3, 3, 0, 0)
    assert Punch.objects.filter(direction="out").count() == 1


def test_bad_rows_are_refused_each_with_its_reason_and_the_rest_kept(staff):
    text = (
        "Employee code,Time,Direction\n"
        "E1,2026-12-02 09:00,in\n"
        "NOPE,2026-12-02 09:00,in\n"
        "E1,yesterday,in\n"
        "E1,2026-12-05 09:00,in\n"  # tomorrow, by the device's clock
        "E1,2024-06-01 09:00,in\n"  # before joining
        "E2,2026-12-02 09:00,in\n"  # after leaving
        "E1,2026-12-02 10:00,sideways\n"
        "E1,2026-12-02 09:00,in\n"  # the first row again: kept once, with a warning
    )
    report = run(text)
    assert (report.rows, report.added, report.already, report.refused) == (8, 1, 0, 6)
    assert report.warnings == [
        {"row": 9, "column": "Time", "message": "Same as row 2: one punch, counted once."}
    ]
    assert [(e["row"], e["message"]) for e in report.errors] == [
        (3, "No employee has the code “NOPE”."),
        (4, "“yesterday” is not a time: write it as YYYY-MM-DD HH:MM:SS."),
        (5, "In the future: check the device's clock."),
        (6, "Before E1 joined, on 1 Jan 2025."),
        (7, "After E2 left, on 30 Nov 2026."),
        (8, "“sideways” is not a direction: use in, out or leave it empty."),
    ]


OUT_OF_ORDER = "the device's clock may have been reset; kept."
HEADER = "Employee code,Time,Direction\n"


@pytest.mark.parametrize(
    ("rows", "warnings", "counts"),
    [
        pytest.param(
            ["E1,2026-12-02 09:00,in", "E3,2026-12-02 08:00,in", "E1,2026-12-02 17:00,out"],
            [],
            (3, 0, 0, 0),
            id="in order, people interleaved: nothing to say",
        ),
        pytest.param(
            ["E1,2026-12-02 09:00,in", "E1,2026-12-02 17:30,out", "E1,2026-12-02 12:00,out"],
            [(4, f"Earlier than row 3 for E1 (17:30): {OUT_OF_ORDER}")],
            (3, 0, 0, 1),
            id="earlier than the row before: kept, with a warning",
        ),
        pytest.param(
            ["E1,2026-12-03 08:55,in", "e1,2026-12-02 17:30,out"],
            [(3, f"Earlier than row 2 for e1 (3 Dec 2026, 08:55): {OUT_OF_ORDER}")],
            (2, 0, 0, 1),
            id="earlier than the day before's row: the day is said",
        ),
        pytest.param(
            ["E1,2026-12-02 17:30,out", "E1,2026-12-02 09:00,in", "E1,2026-12-02 12:00,out"],
            [(3, f"Earlier than row 2 for E1 (17:30): {OUT_OF_ORDER}")],
            (3, 0, 0, 1),
            id="after a reset, in order again: one warning, where it went back",
        ),
        pytest.param(
            ["E1,2026-12-02 17:30,out", "E1,2026-12-02 09:00,sideways", "E1,2026-12-02 18:00"],
            [],
            (2, 0, 0, 0),
            id="a refused row is no row before",
        ),
        pytest.param(
            ["E1,2026-12-02 09:00,in", "E3,2026-12-02 09:00,in", "E1,2026-12-02 09:00:00,in"],
            [(4, "Same as row 2: one punch, counted once.")],
            (2, 0, 1, 0),
            id="the same punch twice in the file: counted once, with a warning",
        ),
        pytest.param(
            ["E1,2026-12-02T09:00:00+00:00,in", "E1,2026-12-02 12:00,out", "E1,2026-12-02 09:00"],
            [(4, "Same as row 2: one punch, counted once.")],
            (2, 0, 1, 0),
            id="the same instant written another way, and earlier: a repeat, said once",
        ),
        pytest.param(
            ["E1,2026-12-01 09:00,in", "E1,2026-12-02 09:00,in"],
            [],
            (1, 1, 0, 0),
            id="already in the log from an earlier file: counted, not a warning",
        ),
    ],
)
def test_rows_repeated_or_out_of_order_are_kept_and_reported(staff, rows, warnings, counts):
    staff["E3"] = EmployeeFactory(employee_id="E3", date_joined=datetime.date(2025, 1, 1))
    run(HEADER + "E1,2026-12-01 09:00,in\n")  # an earlier file
    before = Punch.objects.count()
    report = run(HEADER + "".join(row + "\n" for row in rows))
    assert [(w["row"], w["message"]) for w in report.warnings] == warnings
    assert (report.added, report.already, report.repeated, report.out_of_order) == counts
    assert report.refused == len(rows) - sum(counts[:3])  # out of order: added or already
    assert Punch.objects.count() == before + report.added


def test_the_summary_counts_each_kind_of_row(staff):
    text = (
        HEADER + "E1,2026-12-02 17:00,out\nE1,2026-12-02 09:00,in\nE1,2026-12-02 09:00,in\nX,1,in\n"
    )
    assert run(text).message == (
        "Read 4 punches: 2 added, 0 already in the log, 1 repeated in the file, 1 refused "
        "(below, each with its reason); 1 out of time order (kept)."
    )
    assert run(text).message == (
        "Read 4 punches: 0 added, 2 already in the log, 1 repeated in the file, 1 refused "
        "(below, each with its reason); 1 out of time order (kept)."
    )


def test_a_long_file_is_written_in_batches(staff, monkeypatch):
    monkeypatch.setattr("timeclock.imports.BATCH", 7)
    monkeypatch.setattr("timeclock.imports.PER_STATEMENT", 3)
    start = datetime.datetime(2026, 11, 2, 8, 0)
    rows = [f"E1,{(start + datetime.timedelta(minutes=n)).isoformat()},in" for n in range(40)]
    run(HEADER + "\n".join(rows[:15]) + "\n")
    seen = []
    report = punches_import(
        content=(HEADER + "\n".join(rows) + "\n").encode(),
        zone=LONDON,
        scope=EVERYTHING,
        now=NOW,
        progress=seen.append,
    )
    assert (report.rows, report.added, report.already) == (40, 25, 15)
    assert seen == [7, 14, 21, 28, 35, 40]
    assert Punch.objects.count() == 40


def test_a_job_cancelled_midway_says_what_stays_done(staff, monkeypatch, admin_user):
    from jobs import files
    from jobs.models import JobFile
    from jobs.runner import JobCancelled
    from timeclock.tasks import import_punches

    class CancelledAfterTheFirstBatch:
        def progress(self, done, total=None, *, phase=None):
            if done:
                raise JobCancelled

    monkeypatch.setattr("timeclock.imports.BATCH", 2)
    job = Job.objects.create(kind="timeclock.import_punches", title="Import", created_by=admin_user)
    job.params = {"time_zone": "Europe/London"}
    files.save_bytes(job, JobFile.Role.INPUT, CSV.encode())
    with pytest.raises(JobCancelled) as cancelled:
        import_punches(job, CancelledAfterTheFirstBatch())
    assert cancelled.value.message == (
        "Cancelled after 2 rows: their punches stay in the log. Import the same file again "
        "to add the rest (none is added twice)."
    )
    assert Punch.objects.count() == 2


def test_someone_outside_the_importers_departments_is_unknown_to_them(staff, limited_hr):
    outsider = EmployeeFactory(employee_id="OUT", department=limited_hr.outside)
    from accounts.scoping import scope_for

    report = run(
        f"Employee code,Time\n{outsider.employee_id},2026-12-02 09:00\n", scope_for(limited_hr.user)
    )
    assert report.errors[0]["message"] == "No employee has the code “OUT”."
    assert not Punch.objects.exists()


def test_a_file_that_is_no_punch_log_is_refused_as_a_whole(staff):
    with pytest.raises(FileRefused, match="needs an “Employee code” and a “Time” column"):
        run("Name,Colour\nAda,blue\n")
    with pytest.raises(FileRefused, match="not text"):
        punches_import(
            content=b"\xff\xfe\x00\x81" * 10 + bytes(range(256)), zone=LONDON, scope=EVERYTHING
        )


@pytest.fixture
def hr(user_with):
    return user_with("timeclock.import_punch", "attendance.view_attendancerecord", username="hr")


class TestThePage:
    def test_hr_imports_a_file_as_a_job_and_sees_the_refused_rows(self, client, hr, staff):
        page = client.get("/attendance/punches/import/")
        assertContains(page, "Import punches from a device")
        upload = SimpleUploadedFile(
            "door.csv", b"Employee code,Time\nE1,2026-12-02 09:00\nX,2026-12-02 09:00\n"
        )
        response = client.post(
            "/attendance/punches/import/",
            {"file": upload, "time_zone": "Europe/London"},
            follow=True,
        )
        job = Job.objects.get()
        assert response.redirect_chain[0][0] == job.get_absolute_url()
        assertContains(response, "Read 2 punches: 1 added, 0 already in the log, 1 refused")
        assertContains(response, "No employee has the code “X”.")
        assertNotContains(response, "Warnings")

    def test_rows_kept_with_a_warning_are_listed_apart(self, client, hr, staff):
        upload = SimpleUploadedFile(
            "door.csv",
            b"Employee code,Time\nE1,2026-12-02 17:00\nE1,2026-12-02 09:00\nE1,2026-12-02 09:00\n",
        )
        response = client.post(
            "/attendance/punches/import/",
            {"file": upload, "time_zone": "Europe/London"},
            follow=True,
        )
        assertContains(response, "1 repeated in the file; 1 out of time order (kept).")
        assertContains(response, "Warnings, by row")
        assertContains(response, "Earlier than row 2 for E1 (17:00)")
        assertContains(response, "Same as row 3: one punch, counted once.")
        assert Job.objects.get().report["warnings_total"] == 2

    def test_a_bad_time_zone_is_a_form_error(self, client, hr, staff):
        upload = SimpleUploadedFile("door.csv", b"Employee code,Time\nE1,2026-12-02 09:00\n")
        response = client.post(
            "/attendance/punches/import/", {"file": upload, "time_zone": "Moon/Base"}
        )
        assertContains(response, "is not a time zone name", status_code=400)
        assert not Job.objects.exists()

    def test_only_for_those_who_may_import(self, client, user_with):
        user_with("attendance.view_attendancerecord")
        assert client.get("/attendance/punches/import/").status_code == 403


def test_the_imported_days_are_derived_again(client, hr, staff):
    """A device's punches are written in bulk: the job derives their days once it is done."""
    from timeclock.models import DayOutcome, DepartmentPattern
    from timeclock.tests.test_patterns import pattern

    DepartmentPattern.objects.create(department=staff["E1"].department, pattern=pattern("Office"))
    upload = SimpleUploadedFile(
        "door.csv", b"Employee code,Time\nE1,2026-12-02 09:00\nE1,2026-12-02 17:00\n"
    )
    client.post("/attendance/punches/import/", {"file": upload, "time_zone": "UTC"})
    result = DayOutcome.objects.get(employee=staff["E1"], date=datetime.date(2026, 12, 2))
    assert result.reason.startswith("in 09:00, out 17:00")
