"""Requests and their approval under measure: the approvals inbox of an HR admin with
PENDING requests waiting (target INBOX_TARGET_MS), and approving BULK of them in one
action (target DECIDE_TARGET_S).

`prepare_requests` seeds the requests in bulk (Leave, Request and Event rows: leave of
one to three working days ahead, and corrections of the time clock's recent days, by
turns), one each for PENDING current employees: leave waiting for their managers, the
corrections approved by them and waiting for HR (the demo's route for corrections); the
demo's leave types are made if missing. The benchmark's requests are known by their reason
(REASON): each run takes out the earlier run's and seeds them again, so `--reuse` runs
start alike.

`measure_requests` asks for the inbox over HTTP as an HR admin (BENCH_HR_USER). While
the page is not there yet (its view answers an empty page), the inbox is measured
in-process instead: the selector `approvals.selectors.inbox`, every row fetched and
what a row shows (summary, period, who, waiting for whom) read. Approving BULK is
measured in-process: `approvals.services.requests_decide`, the service the decide view
calls, in a transaction rolled back after each run (so every run approves the same
requests, and the data stays as seeded). Django is imported only inside functions.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import time

from bench.client import Browser
from bench.scenarios import explain, log, percentile

PENDING = 1_000
BULK = 500
BENCH_HR_USER = "bench-hr"
REASON = "Benchmark request"
INBOX_TARGET_MS = 50.0
DECIDE_TARGET_S = 2.0
# Leave starts this many days ahead at the earliest; corrections are of the last
# CORRECTED_DAYS working days (the time clock's, in an open month).
AHEAD_DAYS = 14
CORRECTED_DAYS = 5


def prepare_requests(password: str, *, pending: int = PENDING, seed: int = 1) -> dict:
    """The HR admin's account, and `pending` requests waiting (the earlier run's gone)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from accounts.roles import HR_ADMIN
    from approvals.models import Event, Kind, Request
    from attendance.calendar import Calendar, last_working_days
    from attendance.models import Status
    from demo.requests import ANNUAL, leave_types
    from employees.models import Employee
    from leave.models import Leave

    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    User = get_user_model()
    with transaction.atomic():
        hr = User.objects.filter(username=BENCH_HR_USER).first() or User(username=BENCH_HR_USER)
        hr.is_active, hr.is_staff, hr.is_superuser = True, False, False
        hr.email = ""
        hr.set_password(password)
        hr.save()
        hr.groups.set([Group.objects.get(name=HR_ADMIN)])
        removed = remove_requests()
        annual = leave_types()[ANNUAL]
        # Current employees with a manager and no request or leave of their own yet (the
        # demo's), who joined before the days corrected.
        corrected = last_working_days(CORRECTED_DAYS, until=today - datetime.timedelta(days=1))
        people = list(
            Employee.objects.employed_on(today)
            .filter(is_active=True, manager__isnull=False, date_joined__lt=corrected[0])
            .exclude(Q(requests__isnull=False) | Q(leaves__isnull=False))
            .exclude(user__username__startswith="bench")
            .order_by("employee_id")
            .values_list("pk", "manager_id")[:pending]
        )
        ahead = Calendar.between(
            today + datetime.timedelta(days=AHEAD_DAYS), today + datetime.timedelta(days=120)
        ).working_days()
        now = timezone.now()
        leaves, requests = [], []
        for n, (employee_id, manager_id) in enumerate(people):
            request = Request(
                kind=Kind.LEAVE,
                employee_id=employee_id,
                requested_by=hr,
                reason=REASON,
                approver_id=manager_id,
            )
            if n % 2 == 0:
                count = rng.randint(1, 3)
                first = rng.randrange(len(ahead) - count)
                days = ahead[first : first + count]
                if days[0].year != days[-1].year:
                    days = days[:1]
                leave = Leave(
                    employee_id=employee_id,
                    leave_type=annual,
                    start=days[0],
                    end=days[-1],
                    days=len(days),
                )
                leaves.append(leave)
                request.leave, request.start, request.end = leave, days[0], days[-1]
            else:
                # Corrections go on to HR once the manager approves (the demo's route):
                # these wait there, so approving them applies them.
                day = rng.choice(corrected)
                request.kind, request.start, request.end = Kind.CORRECTION, day, day
                request.stage, request.approver_id = Request.Stage.HR, None
                if rng.random() < 0.7:
                    request.check_out = datetime.time(17, 30)
                else:
                    request.set_status = Status.WORK_FROM_HOME
            requests.append(request)
        Leave.objects.bulk_create(leaves, batch_size=1000)
        for request in requests:
            if request.leave is not None:
                request.leave_id = request.leave.pk  # set by bulk_create
        Request.objects.bulk_create(requests, batch_size=1000)
        # created_at is set on saving: spread them back over the last days, a minute
        # apart, in the order they were asked.
        for n, request in enumerate(requests):
            request.created_at = now - datetime.timedelta(minutes=len(requests) - n)
        Request.objects.bulk_update(requests, ["created_at"], batch_size=1000)
        Event.objects.bulk_create(
            [
                Event(request=r, action=action, by=hr, comment=REASON)
                for r in requests
                for action in (
                    [Event.Action.SUBMITTED]
                    if r.stage == Request.Stage.MANAGER
                    else [Event.Action.SUBMITTED, Event.Action.FORWARDED]
                )
            ],
            batch_size=1000,
        )
    seconds = time.perf_counter() - started
    log(
        f"requests: {len(requests)} waiting ({len(leaves)} leave, "
        f"{len(requests) - len(leaves)} corrections) in {seconds:.1f} s"
        + (f"; the earlier run's {removed} taken out first" if removed else "")
    )
    return {
        "pending": len(requests),
        "leave": len(leaves),
        "corrections": len(requests) - len(leaves),
        "seed_s": round(seconds, 2),
    }


def remove_requests() -> int:
    """Take the benchmark's requests out, with their leave and timelines: straight from
    the tables (the benchmark's own rows; the app's deletes would audit each one)."""
    from django.db import transaction

    from approvals.models import Event, Request
    from leave.models import Leave

    with transaction.atomic():
        mine = Request.objects.filter(reason=REASON)
        leave_ids = list(mine.exclude(leave=None).values_list("leave_id", flat=True))
        Event.objects.filter(request__in=mine)._raw_delete(Event.objects.db)
        count = mine._raw_delete(Request.objects.db)
        Leave.objects.filter(pk__in=leave_ids)._raw_delete(Leave.objects.db)
    return count


def measure_requests(
    port: int | None, password: str, prepared: dict, *, warmup: int, repeat: int
) -> dict:
    """The inbox (over HTTP when its page is there, else in-process) and approving BULK
    of the requests at once (in-process, rolled back after each run)."""
    from django.contrib.auth import get_user_model

    hr = get_user_model().objects.get(username=BENCH_HR_USER)
    result: dict = {**prepared, "bulk": BULK, "loadavg_before": os.getloadavg()}
    if port is not None:
        browser = Browser(port)
        browser.sign_in(BENCH_HR_USER, password)
        answer = browser.get("/approvals/")
        result["inbox_http_bytes"] = len(answer.body)
        if answer.status == 200 and answer.body.strip():
            for _ in range(warmup):
                browser.get("/approvals/")
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                answer = browser.get("/approvals/")
                times.append((time.perf_counter() - t0) * 1000)
                if answer.status != 200:
                    raise RuntimeError(f"/approvals/ as {BENCH_HR_USER}: HTTP {answer.status}")
            result["inbox"] = _row("GET /approvals/ over HTTP", times, INBOX_TARGET_MS)
        else:
            log("the approvals inbox answers an empty page: measuring its selector in-process")
    result["inbox_selector"] = measure_inbox_selector(hr, warmup=warmup, repeat=repeat)
    result["inbox_page_selector"] = measure_inbox_selector(
        hr, warmup=warmup, repeat=repeat, first=50
    )
    result["decide"] = measure_decide(hr, bulk=BULK, repeat=max(3, min(repeat, 5)))
    result["loadavg_after"] = os.getloadavg()
    return result


def _inbox_rows(user, first: int | None = None) -> int:
    """What the inbox's page reads: how many wait, and each row's text."""
    from accounts.scoping import scope_for
    from approvals.selectors import inbox

    waiting = inbox(user=user, scope=scope_for(user), is_hr=True)
    total = waiting.count() if first is not None else None
    rows = list(waiting[:first] if first is not None else waiting)
    for request in rows:
        (
            request.summary,
            request.period,
            request.employee.full_name,
            request.employee.department.name,
            request.approver.full_name if request.approver else "HR",
            request.get_absolute_url(),
        )
    return total if total is not None else len(rows)


def measure_inbox_selector(user, *, warmup: int, repeat: int, first: int | None = None) -> dict:
    """`approvals.selectors.inbox` for `user` as HR, every row (or the `first` of them,
    with the count, as a paginated page reads them) and what each row shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        _inbox_rows(user, first)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = _inbox_rows(user, first)
        times.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as captured:
        _inbox_rows(user, first)
    queries = captured.captured_queries
    label = (
        f"inbox selector, a page: the first {first} rows and the count"
        if first
        else "inbox selector, every row (no pages)"
    )
    row = _row(f"{label} (in-process, {rows} waiting)", times, INBOX_TARGET_MS)
    row.update(rows=rows, queries=len(queries))
    slowest = max(queries, key=lambda q: float(q["time"]))["sql"]
    try:
        row["explain"] = explain(slowest)
    except Exception as error:  # noqa: BLE001 (a report, not the run)
        row["explain"] = f"(EXPLAIN failed: {error})"
    row["slowest_sql"] = slowest[:3000]
    return row


def measure_decide(user, *, bulk: int, repeat: int) -> dict:
    """`requests_decide` approving `bulk` waiting requests (leave and corrections by
    turns, as seeded) as HR, in a transaction rolled back after each run: one warm-up,
    then `repeat` timed runs; the queries of one more."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.scoping import scope_for
    from approvals.models import Request
    from approvals.services import requests_decide

    ids = list(
        Request.objects.filter(reason=REASON, status=Request.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:bulk]
    )
    kinds = dict(
        Request.objects.filter(pk__in=ids).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    scope = scope_for(user)

    def run(capture=False):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                result = requests_decide(
                    ids=ids,
                    approve=True,
                    comment="Approved in bulk",
                    by=user,
                    is_hr=True,
                    scope=scope,
                )
                took = time.perf_counter() - t0
            if len(result.done) + len(result.forwarded) != len(ids):
                raise RuntimeError(f"Bulk approval refused some: {result.message}")
            transaction.set_rollback(True)
        return took, captured.captured_queries if capture else None, result

    run()  # warm-up
    times = [run()[0] for _ in range(repeat)]
    connection.queries_log.clear()  # room for every query of one run
    _, queries, result = run(capture=True)
    by_table: dict[str, int] = {}
    for query in queries:
        sql = query["sql"]
        verb = sql.split(None, 1)[0].upper()
        table = next((w.strip('"') for w in sql.split() if w.startswith('"') and "_" in w), "?")
        key = f"{verb} {table.split('.')[0]}"
        by_table[key] = by_table.get(key, 0) + 1
    median = statistics.median(times)
    return {
        "label": f"approve {len(ids)} requests in one action (requests_decide, in-process)",
        "ids": len(ids),
        "kinds": kinds,
        "median_s": round(median, 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "samples_s": [round(t, 3) for t in times],
        "queries": len(queries),
        "queries_by_table": dict(sorted(by_table.items(), key=lambda kv: -kv[1])[:15]),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "decided": len(result.done),
        "forwarded": len(result.forwarded),
        "target_s": DECIDE_TARGET_S,
        "met": median < DECIDE_TARGET_S,
    }


def _row(label: str, times: list[float], target: float) -> dict:
    median = statistics.median(times)
    return {
        "label": label,
        "median_ms": round(median, 1),
        "p95_ms": round(percentile(times, 95), 1),
        "target_ms": target,
        "met": median < target,
    }


def requests_lines(result: dict) -> list[str]:
    lines = []
    for key in ("inbox", "inbox_selector", "inbox_page_selector"):
        row = result.get(key)
        if row:
            queries = f", {row['queries']} queries" if "queries" in row else ""
            lines.append(
                f"{row['label']}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms"
                f"{queries}; under {row['target_ms']:.0f} ms: {'yes' if row['met'] else 'NO'}"
            )
    if "inbox" not in result:
        lines.append("(GET /approvals/ answers an empty page: its view is not written yet)")
    if "loadavg_before" in result:
        lines.append(
            f"(machine load average {result['loadavg_before'][0]:.1f} before, "
            f"{result['loadavg_after'][0]:.1f} after)"
        )
    decide = result.get("decide")
    if decide:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(decide["kinds"].items()))
        lines.append(
            f"{decide['label']} ({kinds}): median {decide['median_s']} s (min "
            f"{decide['min_s']}, max {decide['max_s']}), {decide['queries']} queries; under "
            f"{decide['target_s']:.0f} s: {'yes' if decide['met'] else 'NO'}"
        )
    return lines
