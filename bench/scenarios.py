"""What the benchmark measures: the pages, the timed runs over HTTP, and the in-process probes.

`build_pages` lists the pages (`Page`); `run_pages` warms them up and times them in rounds
(saving the roster as a browser would); `measure_export` times the streamed CSV exports
while sampling the serving worker's memory; `InProcess` asks for the same pages through
Django's test Client to count their queries and to profile them (`profile_breakdown`), and
`explain` shows a query's plan. Django is imported only inside functions.
"""

from __future__ import annotations

import cProfile
import io
import math
import pstats
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.client import Browser, Response, RosterForm
from bench.data import ROOT, Dataset
from bench.server import RssSampler, Server, cpu_ticks, read_proc_status

# --------------------------------------------------------------------------------------
# Small helpers


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 values is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# --------------------------------------------------------------------------------------
# The pages


@dataclass
class Page:
    key: str
    label: str
    path: str
    kind: str = "page"  # "page", "floor", "save", "save_htmx"
    # "rounds": measured in the rounds, which also save the roster (so cached figures are
    # always forgotten just before); "quiet": measured afterwards, with no write between.
    phase: str = "rounds"
    results: list[float] = field(default_factory=list)
    ttfb: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    sent_sizes: list[int] = field(default_factory=list)


def build_pages(ds: Dataset) -> list[Page]:
    dept = ds.roster_department
    roster = f"/attendance/mark/?{urlencode({'department': dept})}"
    return [
        Page("floor", "floor: /holidays/?year=1999", "/holidays/?year=1999", kind="floor"),
        Page("dashboard", "dashboard / (after a save)", "/"),
        Page("dashboard_cached", "dashboard / (no save since)", "/", phase="quiet"),
        Page("directory", "directory, page 1", "/employees/"),
        Page(
            "search",
            f"directory search q={ds.search}",
            f"/employees/?{urlencode({'q': ds.search})}",
        ),
        Page(
            "directory_last",
            f"directory, last page ({ds.last_page})",
            f"/employees/?page={ds.last_page}",
        ),
        Page("profile", f"profile /employees/{ds.profile_code}/", f"/employees/{ds.profile_code}/"),
        Page(
            "attendance",
            "attendance list, 30 days",
            f"/attendance/?{urlencode({'start': ds.attendance_start, 'end': ds.attendance_end})}",
        ),
        Page("roster", f"roster, {ds.roster_size} people", roster),
        Page(
            "roster_save",
            f"roster save, {ds.roster_size} rows (no JS: 302)",
            "/attendance/mark/",
            kind="save",
        ),
        Page(
            "roster_save_htmx",
            f"roster save, {ds.roster_size} rows (htmx: re-rendered)",
            "/attendance/mark/",
            kind="save_htmx",
        ),
        Page(
            "register",
            f"register {ds.month}, {ds.roster_size}-person dept",
            f"/attendance/register/?{urlencode({'month': ds.month, 'department': dept})}",
        ),
    ]


def export_path(month: str, department: int | None = None) -> str:
    query = {"month": month}
    if department is not None:
        query["department"] = department
    return f"/attendance/register/export/csv/?{urlencode(query)}"


# --------------------------------------------------------------------------------------
# In-process: query counts, profiles, query plans


class InProcess:
    """The same pages through Django's test Client, signed in as the benchmark's user."""

    def __init__(self, user):
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(user)
        self.roster: RosterForm | None = None

    def fetch(self, page: Page, roster_path: str):
        """Ask for one page; returns the response (streamed content consumed)."""
        if page.key == "dashboard":
            from django.core.cache import cache

            cache.clear()  # as after a save: cached figures are forgotten
        if page.kind in ("save", "save_htmx"):
            if self.roster is None:
                answer = self.client.get(roster_path)
                self.roster = RosterForm.read(answer.content.decode())
            status = self.roster.next_status()
            headers = {"HTTP_HX_REQUEST": "true"} if page.kind == "save_htmx" else {}
            response = self.client.post(
                page.path,
                urlencode(self.roster.data(status, "x")),
                content_type="application/x-www-form-urlencoded",
                **headers,
            )
            if response.status_code not in (200, 302):
                raise RuntimeError(f"In-process roster save refused: HTTP {response.status_code}")
            self.roster.saved(status)
            return response
        response = self.client.get(page.path)
        if response.streaming:
            for _ in response.streaming_content:
                pass
        if response.status_code != 200:
            raise RuntimeError(f"In-process {page.path}: HTTP {response.status_code}")
        return response

    def count_queries(
        self, page: Page, roster_path: str, *, rerun: bool = True, runs: int = 3
    ) -> dict:
        """The page's queries (after two warm-up requests), their count and where time goes.

        Each SELECT is then run again on its own and fully fetched, to time it: the
        time CaptureQueriesContext records leaves out fetching, which on SQLite is
        where most of the work of a query happens.
        """
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts, walls = [], []
        for _ in range(runs):
            if page.key == "dashboard":
                cache.clear()  # as after a save: cached figures are forgotten
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                self.fetch(page, roster_path)
                walls.append((time.perf_counter() - started) * 1000)
            counts.append(len(captured.captured_queries))
        queries = captured.captured_queries
        timed = []
        if rerun:
            for query in queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    timed.append((float(query["time"]) * 1000, sql))
                    continue
                with connection.cursor() as cursor:
                    started = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    timed.append(((time.perf_counter() - started) * 1000, sql))
        else:
            timed = [(float(q["time"]) * 1000, q["sql"]) for q in queries]
        slowest = sorted(timed, key=lambda item: item[0], reverse=True)[:3]
        return {
            "queries": counts[-1],
            "queries_seen": sorted(set(counts)),
            "in_process_ms": min(walls[1:] or walls),
            "sql_ms": sum(ms for ms, _ in timed),
            "slowest_queries": [
                {"ms": round(ms, 1), "sql": sql[:3000], "_full_sql": sql} for ms, sql in slowest
            ],
        }

    def profile(self, page: Page, roster_path: str, top: int = 20) -> str:
        for _ in range(3):
            self.fetch(page, roster_path)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        self.fetch(page, roster_path)
        profiler.disable()
        took = (time.perf_counter() - started) * 1000
        out = io.StringIO()
        out.write(
            f"cProfile of {page.label} ({page.path}), one request in-process: {took:.0f} ms "
            "under the profiler (slower than without)\n\n"
        )
        stats = pstats.Stats(profiler, stream=out)
        out.write(profile_breakdown(stats) + "\n")
        out.write("The project's own functions, by cumulative time:\n")
        stats.sort_stats("cumulative").print_stats(PROJECT_CODE, top)
        out.write("Django's entry points (queries, bulk writes, templates, URLs), cumulative:\n")
        stats.sort_stats("cumulative").print_stats(DJANGO_ENTRY_POINTS, top)
        out.write("All functions, by own time:\n")
        stats.sort_stats("tottime").print_stats(top)
        return out.getvalue()


# Functions of the project itself (not the virtualenv, not this benchmark).
PROJECT_CODE = "^" + re.escape(str(ROOT)) + r"/(?!\.venv/|bench/)"
# Where a request's time goes, by the file of each function (own time, not cumulative).
PROFILE_AREAS = [
    ("database driver (SQL run and fetched)", ("sqlite3.Cursor", "psycopg", "CursorWrapper")),
    ("Django ORM (building queries, making objects)", ("/django/db/",)),
    (
        "templates (Django template engine, escaping)",
        ("/django/template/", "/template_partials/", "/django/utils/html.py", "safestring"),
    ),
    ("URL reversing", ("/django/urls/",)),
    ("django-auditlog", ("/auditlog/",)),
    ("request parsing (forms, multipart)", ("/django/http/", "/django/forms/")),
]
PROJECT_FILE = re.compile(PROJECT_CODE)
DJANGO_ENTRY_POINTS = (
    r"django/db/models/query\.py:\d+\((bulk_update|bulk_create|update|aggregate|count"
    r"|_fetch_all|get)\)|django/template/loader\.py:\d+\(render_to_string\)"
    r"|django/urls/base\.py:\d+\(reverse\)|auditlog/diff\.py:\d+\(model_instance_diff\)"
)


def profile_breakdown(stats: pstats.Stats) -> str:
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        where = f"{filename}:{name}"
        if PROJECT_FILE.search(filename):
            area = "the project's code (views, selectors, services, ...)"
        else:
            area = next(
                (label for label, marks in PROFILE_AREAS if any(m in where for m in marks)),
                "other (Python, middleware, libraries)",
            )
        totals[area] = totals.get(area, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    lines = ["Own time by area:"]
    for area, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        lines.append(f"  {seconds * 1000:7.1f} ms  {seconds / whole:5.1%}  {area}")
    return "\n".join(lines)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())


# --------------------------------------------------------------------------------------
# The CSV exports


def measure_export(browser: Browser, server: Server, path: str, warmup: int, repeat: int) -> dict:
    """Time a streamed CSV export, and the serving worker's RSS before, at peak and after."""
    runs = []
    for n in range(warmup + repeat):
        workers = server.workers()
        before = {pid: read_proc_status(pid, "VmRSS") or 0 for pid in workers}
        ticks = {pid: cpu_ticks(pid) for pid in workers}
        size = chunks = lines = 0

        def on_chunk(chunk: bytes) -> None:
            nonlocal size, chunks, lines
            size += len(chunk)
            chunks += 1
            lines += chunk.count(b"\n")

        with RssSampler(workers) as sampler:
            answer = browser.get(path, on_chunk=on_chunk)
        if answer.status != 200:
            raise RuntimeError(f"{path}: HTTP {answer.status}")
        after = {pid: read_proc_status(pid, "VmRSS") or 0 for pid in workers}
        # The worker that served it is the one that spent the CPU (or, if it was
        # killed, the one that is gone).
        gone = [pid for pid in workers if read_proc_status(pid, "VmRSS") is None]
        served = gone[0] if gone else max(workers, key=lambda pid: cpu_ticks(pid) - ticks[pid])
        if not after.get(served):
            after[served] = 0
        runs.append(
            {
                "error": answer.error,
                "warmup": n < warmup,
                "ms": answer.ms,
                "ttfb_ms": answer.ttfb_ms,
                "bytes": size,
                "rows": lines - 1,
                "chunks_received": chunks,
                "transfer_encoding": answer.headers.get("transfer-encoding", ""),
                "content_length": answer.headers.get("content-length", ""),
                "worker": served,
                "rss_before_mb": before[served] / 1024,
                "rss_peak_mb": sampler.peak[served] / 1024,
                "rss_after_mb": after[served] / 1024,
                "rss_growth_mb": (sampler.peak[served] - before[served]) / 1024,
                "rss_samples": sampler.samples,
            }
        )
        if answer.error:
            log(f"  cut off after {answer.ms / 1000:.1f} s, {size:,} bytes: {answer.error}")
            # Let gunicorn start a new worker before anything else is asked.
            deadline = time.monotonic() + 30
            while len(server.workers()) < len(workers) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)
            break
    measured = [r for r in runs if not r["warmup"]] or runs
    times = [r["ms"] for r in measured]
    return {
        "path": path,
        "failed": [r for r in runs if r["error"]],
        "runs": runs,
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "ttfb_median_ms": statistics.median(r["ttfb_ms"] for r in measured),
        "bytes": measured[-1]["bytes"],
        "rows": measured[-1]["rows"],
        "rss_growth_max_mb": max(r["rss_growth_mb"] for r in runs),
        "rss_growth_first_mb": runs[0]["rss_growth_mb"],
        "rss_before_first_mb": runs[0]["rss_before_mb"],
        "rss_peak_max_mb": max(r["rss_peak_mb"] for r in runs),
    }


# --------------------------------------------------------------------------------------
# Measuring the pages over HTTP


def run_pages(browser: Browser, pages: list[Page], roster_path: str, warmup: int, repeat: int):
    """Warm up, then `repeat` rounds; each round asks for every page once, in order."""
    roster = RosterForm.read(browser.get(roster_path).text)

    def one(page: Page) -> Response:
        nonlocal roster
        if page.kind not in ("save", "save_htmx"):
            answer = browser.get(page.path)
            if answer.status != 200:
                raise RuntimeError(f"{page.path}: HTTP {answer.status}\n{answer.text[:500]}")
            return answer
        status = roster.next_status()
        headers = None
        if page.kind == "save_htmx":
            headers = {"HX-Request": "true", "HX-Current-URL": browser.origin + roster_path}
        answer = browser.post(page.path, roster.data(status, roster.token), headers=headers)
        expected = 200 if page.kind == "save_htmx" else 302
        if answer.status != expected:
            raise RuntimeError(
                f"Roster save answered HTTP {answer.status} (expected {expected}): "
                + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))[:600]
            )
        roster.saved(status)
        if page.kind == "save_htmx":
            shown = RosterForm.read(answer.text)
            roster.token = shown.token or roster.token
        else:
            # Follow the redirect (not timed): the page a browser shows next, and the check.
            shown = RosterForm.read(browser.get(answer.headers["location"]).text)
            roster.token = shown.token
        if shown.seen != roster.seen:
            raise RuntimeError("The roster after the save does not show what was saved.")
        return answer

    rounds = [page for page in pages if page.phase == "rounds"]
    for page in rounds:
        for _ in range(warmup):
            one(page)
    log(f"warmed up ({warmup} of each); measuring {repeat} rounds of {len(rounds)} pages")
    for n in range(repeat):
        for page in rounds:
            measure(page, one(page))
        if (n + 1) % 10 == 0:
            log(f"  round {n + 1}/{repeat}")
    # Then the pages measured with no write in between (cached figures stay cached).
    for page in (page for page in pages if page.phase == "quiet"):
        log(f"{page.label}: {warmup} + {repeat} requests in a row")
        for _ in range(warmup):
            one(page)
        for _ in range(repeat):
            measure(page, one(page))


def measure(page: Page, answer: Response) -> None:
    page.results.append(answer.ms)
    page.ttfb.append(answer.ttfb_ms)
    page.sizes.append(len(answer.body))
    page.sent_sizes.append(answer.sent_bytes)
