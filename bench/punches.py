"""The device import under measure: a punch log of a million punches (the issue: "importing
a device file of 1,000,000 punches under 2 minutes as a job"), started as the import page
starts it and run by a real worker process; then the same file again, which adds nothing.

The file: four punches a day (in, out for lunch, in, out), at times spread as people
arrive and leave, for everyone employed on each of the latest working days before today,
in time order as a device writes them; then a few rows that must be refused (each for its
own reason) and two that are kept with a warning (one repeated, one out of order).

The punches are taken out again afterwards (and before, if an interrupted run left any):
the other scenarios read the punch log, and --reuse runs must find it as seeded. So are
the jobs' copies of the file. Django
is imported only inside functions.
"""

from __future__ import annotations

import datetime
import random
import re
import time
from pathlib import Path

from bench.jobs import Worker, _cancel_leftover_jobs, _timings, _wait_for
from bench.scenarios import log

# The device's name on every punch of the file: how the benchmark finds its punches again.
# Short, so that the file of a million stays under the upload limit (IMPORT_MAX_BYTES).
DEVICE = "bench"
TARGET_S = 120  # the issue: a million punches under 2 minutes
# The punches of one working day: (earliest, latest) minutes after midnight, direction.
DAY = (
    ((7 * 60 + 30, 9 * 60 + 30), "in"),
    ((12 * 60, 13 * 60), "out"),
    ((12 * 60 + 30, 14 * 60), "in"),  # at least 20 minutes after the lunch break began
    ((16 * 60 + 30, 19 * 60), "out"),
)
# Rows the import must refuse, one for each reason (`{code}`: an employee of the file).
BAD_ROWS = (
    "NOBODY-HERE,{day} 09:00:00,in,{device}",  # no such employee
    "{code},{day} 25:61:00,in,{device}",  # not a time
    "{code},2099-01-01 09:00:00,in,{device}",  # in the future
    "{code},1990-01-01 09:00:00,in,{device}",  # before they joined
    "{code},{day} 10:00:00,sideways,{device}",  # not a direction
)
WARNED_ROWS = 2  # the first row again, and one out of order (kept)


def punch_file(punches: int, *, today: datetime.date, seed: int = 1) -> tuple[bytes, dict]:
    """The CSV (employee code, time, direction, device; the times by the device's clock,
    which keeps the organisation's time zone) and what the import should make of it."""
    from employees.models import Employee

    people = list(
        Employee.objects.order_by("employee_id").values_list(
            "employee_id", "date_joined", "date_left"
        )
    )
    person_days = punches // len(DAY)
    # The latest working days before today, with everyone employed on each, until there
    # are enough; the oldest of them may be a part of a day.
    days: list[tuple[datetime.date, list[str]]] = []
    wanted, day = person_days, today
    while wanted > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() >= 5:
            continue
        there = [c for c, joined, left in people if joined <= day and (left is None or left >= day)]
        days.append((day, there[:wanted]))
        wanted -= len(days[-1][1])
    days.reverse()
    rng = random.Random(seed)
    lines = ["Employee code,Time,Direction,Device"]
    for day, codes in days:
        stamps = []
        for code in codes:
            minute = 0
            for (earliest, latest), direction in DAY:
                second = rng.randrange(max(earliest, minute) * 60, latest * 60)
                minute = second // 60 + 20
                stamps.append((second, code, direction))
        stamps.sort()
        text = day.isoformat()
        lines += (
            f"{code},{text} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d},{direction},{DEVICE}"
            for s, code, direction in stamps
        )
    first_day, first_code = days[0][0].isoformat(), days[0][1][0]
    lines.append(lines[1])  # the first punch again: one punch, the row reported
    # Out of order: the first person again, on the first day, after their lunch but
    # written after everything else (a device whose clock was put back).
    lines.append(f"{first_code},{first_day} 15:00:07,in,{DEVICE}")
    lines += (row.format(code=first_code, day=first_day, device=DEVICE) for row in BAD_ROWS)
    expected = {
        "punches": person_days * len(DAY),
        "rows": person_days * len(DAY) + WARNED_ROWS + len(BAD_ROWS),
        "added": person_days * len(DAY) + 1,
        "refused": len(BAD_ROWS),
        "warned": WARNED_ROWS,
        "days": len(days),
        "first_day": first_day,
        "last_day": days[-1][0].isoformat(),
    }
    return ("\n".join(lines) + "\n").encode(), expected


def remove_punches() -> int:
    """Take the file's punches out of the log again (the log is append-only for the app;
    these are the benchmark's own)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM timeclock_punch WHERE source = 'device' AND device = %s", [DEVICE]
        )
        removed = cursor.rowcount
    if removed and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # As autovacuum would, sooner or later (VACUUM cannot run inside a transaction).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) timeclock_punch")
    return removed


def measure_punch_import(env: dict, work_dir: Path, user, punches: int) -> dict:
    """Import the file as a job, run by a worker of its own (its peak memory is the
    job's), then the same file again as a second job."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from accounts.scoping import EVERYTHING
    from jobs.models import JobFile
    from jobs.services import job_start
    from timeclock.tasks import IMPORT_PUNCHES

    leftovers = _cancel_leftover_jobs()
    if leftovers:
        log(f"cancelled {leftovers} jobs left waiting by earlier runs (they would go first)")
    removed = remove_punches()
    if removed:
        log(f"removed {removed:,} punches left by an interrupted run")
    content, expected = punch_file(punches, today=timezone.localdate())
    result: dict = {
        **expected,
        "file_mb": round(len(content) / 1_048_576, 1),
        "upload_limit_mb": round(settings.IMPORT_MAX_BYTES / 1_048_576, 1),
        "target_s": TARGET_S,
    }
    log(
        f"punch file: {expected['rows']:,} rows, {result['file_mb']} MB, "
        f"{expected['days']} working days {expected['first_day']}..{expected['last_day']}"
    )
    started_jobs = []
    try:
        for key in ("import", "again"):
            with Worker(env, work_dir / f"worker-punches-{key}.log") as worker:
                started = time.perf_counter()
                job = job_start(
                    kind=IMPORT_PUNCHES,
                    title="Import punches from bench-punches.csv",
                    by=user,
                    scope=EVERYTHING,
                    params={"time_zone": settings.TIME_ZONE},
                    input=content,
                )
                start_s = time.perf_counter() - started  # the file saved, the job queued
                started_jobs.append(job.pk)
                done = _wait_for(job.pk)
                peak_mb = _peak_rss_mb(worker.process.pid)
            job.refresh_from_db()
            report = job.report or {}
            result[key] = {
                **_timings(done),
                "start_s": round(start_s, 2),
                "counts": _counts(done["message"]),
                "refused": report.get("errors_total", 0),
                "warned": report.get("warnings_total", 0),
                "first_problems": [
                    f"row {e['row']}: {e['message']}"
                    for e in (report.get("errors", [])[:3] + report.get("warnings", [])[:2])
                ],
                "worker_peak_rss_mb": peak_mb,
            }
            log(f"punch import ({key}): {result[key]}")
    finally:
        removed = remove_punches()
        log(f"removed the {removed:,} imported punches again")
        # And the jobs' copies of the file (the app keeps an input for JOB_RESULT_DAYS).
        JobFile.objects.filter(job__in=started_jobs).delete()
        connection.close()
    first, again = result["import"], result["again"]
    result["as_expected"] = (
        first["state"] == "succeeded"
        # Every good punch kept: added, or in the log already (the seed's own punches of
        # the last days may share a second with one of the file's).
        and first["counts"].get("added", 0) + first["counts"].get("already_in_the_log", 0)
        == expected["added"]
        and first["refused"] == expected["refused"]
        and first["warned"] == expected["warned"]
        and again["counts"].get("added") == 0
    )
    return result


def _counts(message: str) -> dict:
    """The numbers of the job's summary ("Read 1,000,007 punches: 1,000,001 added, ...")."""
    return {
        re.sub(r"\W+", "_", words.strip()): int(number.replace(",", ""))
        for number, words in re.findall(r"(\d[\d,]*) ([a-z][a-z ]+)", message)
    }


def _peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory so far (Linux), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(match.group(1)) / 1024, 1) if match else None


def punch_import_line(result: dict) -> str:
    first, again = result["import"], result["again"]
    fast = first["state"] == "succeeded" and first["ran_s"] < result["target_s"]
    counts = first["counts"]
    return (
        f"device import of {result['punches']:,} punches (and "
        f"{result['rows'] - result['punches']} bad or odd rows; {result['file_mb']} MB, upload "
        f"limit {result['upload_limit_mb']:.0f} MB) as a job: started in {first['start_s']} s, "
        f"ran {first['ran_s']} s ({first['state']}): {counts.get('added', 0):,} added, "
        f"{first['refused']} refused, {first['warned']} warnings; worker peak "
        f"{first['worker_peak_rss_mb']} MB; the same file again ran {again['ran_s']} s: "
        f"{again['counts'].get('added', 0):,} added, "
        f"{again['counts'].get('already_in_the_log', 0):,} already in the log; "
        f"< {result['target_s']} s: {'yes' if fast else 'NO'}; counts as expected: "
        f"{'yes' if result['as_expected'] else 'NO'}"
    )
