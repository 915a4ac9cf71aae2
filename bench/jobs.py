"""The background jobs under measure: an import of many rows (the check, then the
import, each a job run by a real worker process), exports of a million rows (memory), and
the dashboard in the morning, before anyone is marked.

Used by `python -m bench` after the pages; each function returns a dict for the results.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench.client import Browser, csrf_field
from bench.data import ROOT
from bench.scenarios import log, percentile

IMPORT_HEADER = "employee_id,full_name,email,department,job_title,phone,date_joined,date_left"


class Worker:
    """`manage.py db_worker`, as a process of its own, for the duration of a measurement."""

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload"]
            + ["--no-startup-delay", "--verbosity", "0"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log_file.close()


def import_file(rows: int, department: str) -> bytes:
    """A CSV of `rows` new employees, every row valid."""
    lines = [IMPORT_HEADER]
    lines += (
        f"IMP-{n:07d},Imported Person {n},imported.{n}@bench.example,{department},Clerk,,"
        "2024-01-15,"
        for n in range(rows)
    )
    return ("\n".join(lines) + "\n").encode()


def _wait_for(job_id, timeout: float = 900) -> dict:
    from django.db import connection

    from jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.filter(pk=job_id).values(
            "state", "started_at", "finished_at", "created_at", "message", "done", "total"
        )[0]
        if job["state"] in ("succeeded", "failed", "cancelled"):
            connection.close()
            return job
        connection.close()
        time.sleep(0.2)
    raise SystemExit(f"job {job_id} did not finish in {timeout:.0f} s")


def measure_import(browser: Browser, env: dict, work_dir: Path, rows: int) -> dict:
    """Upload a file of `rows` employees, let a worker check it, confirm, let it import."""
    from employees.models import Department
    from imports.models import ImportBatch

    leftovers = _cancel_leftover_jobs()
    if leftovers:
        log(f"cancelled {leftovers} jobs left waiting by earlier runs (they would go first)")
    department = Department.objects.order_by("name").values_list("name", flat=True)[0]
    content = import_file(rows, department)
    result: dict = {"rows": rows, "file_mb": round(len(content) / 1_048_576, 1)}
    with Worker(env, work_dir / "worker.log"):
        page = browser.get("/employees/import/")
        token = csrf_field(page.text)
        answer = browser.upload(
            "/employees/import/",
            {"csrfmiddlewaretoken": token},
            name="file",
            filename="bench-import.csv",
            content=content,
        )
        if answer.status != 302:
            raise SystemExit(f"the upload answered {answer.status}: {answer.text[:300]}")
        result["upload_request_ms"] = round(answer.ms, 1)
        batch = ImportBatch.objects.order_by("-created_at").first()
        check = _wait_for(batch.preview_job_id)
        result["check"] = _timings(check)
        log(f"import check of {rows:,} rows: {result['check']}")
        preview = browser.get(f"/imports/{batch.pk}/")
        answer = browser.post(
            f"/imports/{batch.pk}/", {"csrfmiddlewaretoken": csrf_field(preview.text)}
        )
        if answer.status != 302:
            raise SystemExit(f"the confirmation answered {answer.status}: {answer.text[:300]}")
        result["confirm_request_ms"] = round(answer.ms, 1)
        batch.refresh_from_db()
        done = _wait_for(batch.confirm_job_id)
        result["import"] = _timings(done)
        log(f"import of {rows:,} rows: {result['import']}")
    return result


def _cancel_leftover_jobs() -> int:
    """Jobs still waiting or running from an earlier, interrupted run of this database:
    the worker takes jobs oldest first, so they would be timed instead."""
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from jobs.models import Job

    with transaction.atomic():
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).delete()
        count = Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
            state=Job.State.CANCELLED, message="Left over by an interrupted benchmark."
        )
    connection.close()
    return count


def _timings(job: dict) -> dict:
    return {
        "state": job["state"],
        "message": job["message"][:200],
        "waited_s": round((job["started_at"] - job["created_at"]).total_seconds(), 2),
        "ran_s": round((job["finished_at"] - job["started_at"]).total_seconds(), 2),
    }


# Run in a process of its own, so its peak memory is its own: set Django up, note the
# peak, write the export, note the peak again.
EXPORT_PROBE = """
import json, resource, sys, time
import django
django.setup()
from django.core.management import call_command
name, fmt, query, output = sys.argv[1:5]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
call_command("export", name, "--format", fmt, "--filter", query, "-o", output, verbosity=0)
seconds = time.monotonic() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = {"seconds": seconds, "rss_before_mb": before / 1024, "rss_after_mb": after / 1024}
print(json.dumps(report))
"""


def measure_export_memory(env: dict, work_dir: Path, *, fmt: str, rows: int) -> dict:
    """Export about `rows` attendance records (the latest days) and measure the peak memory."""
    from django.db.models import Count

    from attendance.models import AttendanceRecord

    # The latest days that hold at least `rows` records between them.
    per_day = AttendanceRecord.objects.values("date").annotate(n=Count("pk")).order_by("-date")
    expected, start = 0, None
    for day in per_day:
        expected, start = expected + day["n"], day["date"]
        if expected >= rows:
            break
    query = f"start={start.isoformat()}"
    output = work_dir / f"export.{fmt}"
    if fmt == "xlsx" and expected >= 1_048_576:
        return {"skipped": f"{expected:,} rows do not fit in a sheet"}
    probe = subprocess.run(
        [sys.executable, "-c", EXPORT_PROBE, "attendance", fmt, query, str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(probe.stdout.strip().splitlines()[-1])
    result = {
        "format": fmt,
        "rows": expected,
        "file_mb": round(output.stat().st_size / 1_048_576, 1),
        "seconds": round(measured["seconds"], 1),
        "rss_before_mb": round(measured["rss_before_mb"], 1),
        "rss_peak_mb": round(measured["rss_after_mb"], 1),
        "rss_growth_mb": round(measured["rss_after_mb"] - measured["rss_before_mb"], 1),
    }
    output.unlink()
    log(f"export {fmt} of {expected:,} rows: {result}")
    return result


def measure_morning_dashboard(browser: Browser, repeat: int) -> dict:
    """The dashboard before anyone is marked today: today's records are set aside (in a
    table of their own), the dashboard is asked for, and the records are put back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from attendance.selectors import figures_changed

    table = "attendance_attendancerecord"
    today = timezone.localdate().isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_today")
        cursor.execute(
            f"CREATE TABLE bench_today AS SELECT * FROM {table} WHERE date = %s", [today]
        )
        cursor.execute(f"DELETE FROM {table} WHERE date = %s", [today])
        moved = cursor.rowcount
    figures_changed()
    connection.close()
    try:
        for _ in range(3):
            browser.get("/")
        samples = [browser.get("/").ms for _ in range(repeat)]
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} SELECT * FROM bench_today")
            cursor.execute("DROP TABLE bench_today")
        figures_changed()
        connection.close()
    samples.sort()
    result = {
        "records_set_aside": moved,
        "n": repeat,
        "median_ms": round(samples[len(samples) // 2], 1),
        "p95_ms": round(percentile(samples, 95), 1),
    }
    log(f"dashboard in the morning ({moved:,} of today's records set aside): {result}")
    return result


def remove_imported() -> int:
    """Take the imported employees (and their history) out again, so that the data set
    stays the seeded one for later runs (--reuse)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from employees.models import Employee

    imported = Employee.objects.filter(employee_id__startswith="IMP-")
    ids = [str(pk) for pk in imported.values_list("pk", flat=True)]
    kind = ContentType.objects.get_for_model(Employee)
    with transaction.atomic():
        for start in range(0, len(ids), 5000):
            LogEntry.objects.filter(
                content_type=kind, object_pk__in=ids[start : start + 5000]
            ).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM employees_employee WHERE employee_id LIKE 'IMP-%%'")
    if ids and connection.vendor == "postgresql":
        # As autovacuum would, sooner or later: otherwise the next run's "newest employees"
        # walk past 100,000 dead index entries first (the API's list of 100: 6 ms of SQL
        # instead of 0.1).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) employees_employee, auditlog_logentry")
    connection.close()
    return len(ids)
