"""HRMS Lite benchmark: page latency under gunicorn on a large data set (`make bench`).

    .venv/bin/python bench/run.py                    # SQLite in a fresh temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hrms_bench .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --db postgres      # the same
    .venv/bin/python bench/run.py --reuse            # keep the seeded database between runs

What it does (docs/performance.md explains the numbers):

1. Builds the data set with the project's own `manage.py seed_demo` (10,000 employees,
   25 departments, 250 working days) on a fresh database, and times the seed.
2. Serves the app exactly as in production (`gunicorn -c gunicorn.conf.py hrms.wsgi`,
   DEBUG off, WEB_CONCURRENCY=2), signs in over HTTP and times each page: a few
   warm-up requests, then N measured rounds, one client, sequential; every round asks
   for every page once, so background load on the machine hits every page alike.
3. Streams a month's CSV export of everyone while sampling the gunicorn workers'
   VmRSS, to show memory stays flat.
4. Counts the database queries of every page in-process (Django's test Client and
   CaptureQueriesContext on the same database), since gunicorn cannot report them.
5. Prints a table against the targets and writes the results as JSON.

Only the standard library is used on the client side (http.client), so nothing needs
installing beyond the project's own requirements.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime
import gzip
import html
import http.client
import io
import json
import logging
import math
import os
import platform
import pstats
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
GUNICORN = str(BIN / "gunicorn")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/hrms_bench"
# Where a kept SQLite database lives between runs (--keep / --reuse).
KEPT_SQLITE = Path(tempfile.gettempdir()) / "hrms-bench-data" / "bench.sqlite3"
BENCH_USER = "bench"

# Targets (on a 2-core machine, PostgreSQL).
TARGET_MEDIAN_MS = 50.0
TARGET_FLOOR_RATIO = 4.0
TARGET_SAVE_MS = 300.0
# The whole-company export "streams with flat memory" when the worker's peak RSS grows by
# no more than this over its RSS before the request, and by no more than this much more
# than a 400-row export does (memory does not grow with the number of rows).
TARGET_EXPORT_GROWTH_MB = 16.0

# Two statuses the roster save alternates between, so every save changes every row.
SAVE_STATUSES = ("present", "absent")


# --------------------------------------------------------------------------------------
# Small helpers


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 values is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_proc_status(pid: int, key: str) -> int | None:
    """A kB value from /proc/<pid>/status (VmRSS, VmHWM), or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (FileNotFoundError, ProcessLookupError):
        return 0


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def children(pid: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return pids


def busiest_processes(limit: int = 8) -> list[str]:
    """The processes using the most CPU right now (other work on the machine)."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pcpu,comm", "--sort=-pcpu"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return []
    return [" ".join(line.split()) for line in out.splitlines()[1 : limit + 1]]


def code_snapshot() -> dict[str, float]:
    """Modification times of the app's code and templates (to notice edits during a run)."""
    skip = {".venv", "bench", "staticfiles", "node_modules", ".git", "e2e"}
    times = {}
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if parts and parts[0] in skip:
            continue
        if path.suffix in (".py", ".html", ".css", ".js") and path.is_file():
            times[str(path.relative_to(ROOT))] = path.stat().st_mtime
    return times


def code_changes(before: dict[str, float]) -> list[str]:
    after = code_snapshot()
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    try:
        # --no-optional-locks: read the working tree without touching git's index.
        changes = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
    except OSError:
        changes = []
    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "git_commit": commit,
        "uncommitted_changes": changes,
    }


# --------------------------------------------------------------------------------------
# The HTTP client: one browser, cookies, CSRF, no redirects followed.


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float  # whole response, body read
    ttfb_ms: float  # first byte (headers) received
    error: str = ""  # the body was cut off (e.g. the worker was killed mid-stream)
    sent_bytes: int = 0  # as it came over the wire (compressed when the app gzipped it)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """A minimal browser over http.client: keeps cookies, sends one request at a time.

    gunicorn's sync workers close the connection after each response, so every request
    opens a new connection, as a browser talking to gunicorn directly would.
    """

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method, path, *, form=None, headers=None, on_chunk=None) -> Response:
        body = urlencode(form, doseq=True).encode() if form is not None else None
        # Pages are asked for compressed, as a browser does (the app gzips them); the
        # streamed exports uncompressed, so their rows can be counted as they arrive.
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "User-Agent": "hrms-bench",
            "Accept-Encoding": "identity" if on_chunk else "gzip",
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        sent.update(headers or {})
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            ttfb = time.perf_counter()
            error = ""
            if on_chunk is None:
                data = response.read()
            else:
                data = b""
                try:
                    while chunk := response.read(65536):
                        on_chunk(chunk)
                except (http.client.IncompleteRead, ConnectionError) as cut:
                    if isinstance(cut, http.client.IncompleteRead) and cut.partial:
                        on_chunk(cut.partial)
                    error = f"{type(cut).__name__}: the response was cut off"
            done = time.perf_counter()
            sent_bytes = len(data)
            if response.getheader("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            for header in response.msg.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] in ("0", 0):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(
                status=response.status,
                headers={k.lower(): v for k, v in response.getheaders()},
                body=data,
                ms=(done - started) * 1000,
                ttfb_ms=(ttfb - started) * 1000,
                error=error,
                sent_bytes=sent_bytes,
            )
        finally:
            connection.close()

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path, form, **kwargs) -> Response:
        return self.request("POST", path, form=form, **kwargs)

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/login/")
        token = csrf_field(page.text)
        if page.status != 200 or not token or "csrftoken" not in self.cookies:
            raise SystemExit(f"Cannot read the sign-in form (HTTP {page.status}).")
        answer = self.post(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Signing in failed (HTTP {answer.status}).")


def csrf_field(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return found.group(1) if found else ""


# --------------------------------------------------------------------------------------
# The roster form: read it from the page, post it back with every row changed.


@dataclass
class RosterForm:
    date: str
    department: str
    seen: dict[str, str]  # employee code -> status saved (and shown), "" if not marked
    token: str  # the page's csrfmiddlewaretoken

    @classmethod
    def read(cls, page: str) -> RosterForm:
        date = re.search(r'name="date" value="([^"]*)" id="roster-date"', page)
        department = re.search(r'name="department" value="([^"]*)" id="roster-department"', page)
        seen = {
            html.unescape(code): value
            for code, value in re.findall(r'name="seen_([^"]+)" value="([^"]*)"', page)
        }
        if not date or not department or not seen:
            raise RuntimeError("The roster page has no roster form to save.")
        return cls(
            date=date.group(1),
            department=department.group(1),
            seen=seen,
            token=csrf_field(page),
        )

    def next_status(self) -> str:
        """The status that changes every row: not what most rows have now."""
        current = statistics.mode(self.seen.values()) if self.seen else ""
        return SAVE_STATUSES[1] if current == SAVE_STATUSES[0] else SAVE_STATUSES[0]

    def data(self, status: str, token: str) -> dict[str, str]:
        data = {
            "csrfmiddlewaretoken": token,
            "date": self.date,
            "department": self.department,
            "save": "all",
        }
        for code, seen in self.seen.items():
            data[f"status_{code}"] = status
            data[f"seen_{code}"] = seen
        return data

    def saved(self, status: str) -> None:
        self.seen = dict.fromkeys(self.seen, status)


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


@dataclass
class Dataset:
    """What the pages are asked for, read from the seeded database."""

    employees: int
    departments: int
    attendance_records: int
    first_day: str
    last_day: str
    active: int
    last_page: int
    search: str
    search_hits: int
    profile_code: str
    roster_department: int
    roster_department_name: str
    roster_size: int
    today: str
    month: str
    attendance_start: str
    attendance_end: str


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
# The database: create, migrate, seed


@dataclass
class Database:
    url: str
    vendor: str  # "sqlite" or "postgresql"
    name: str
    temp_dir: Path | None = None  # a fresh SQLite database's folder, removed at the end


def choose_database(args) -> Database:
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if args.db == "postgres" and not url.startswith("postgres"):
        url = DEFAULT_POSTGRES_URL
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        name = urlsplit(url).path.lstrip("/")
        if "bench" not in name:
            raise SystemExit(
                f"Refusing to drop and recreate the PostgreSQL database {name!r}: the "
                "benchmark needs a database of its own, with 'bench' in its name, e.g. "
                + DEFAULT_POSTGRES_URL
            )
        return Database(url=url, vendor="postgresql", name=name)
    if url.startswith("sqlite:"):
        path = Path(url.split("sqlite:///", 1)[-1])
        if "bench" not in path.name:
            raise SystemExit(
                f"Refusing to overwrite the SQLite database {path}: give the benchmark a file of "
                "its own, with 'bench' in its name, or leave DATABASE_URL unset."
            )
        return Database(url=url, vendor="sqlite", name=str(path))
    if url:
        raise SystemExit(f"Unsupported DATABASE_URL for the benchmark: {url}")
    if args.keep or args.reuse:
        KEPT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        return Database(url=f"sqlite:///{KEPT_SQLITE}", vendor="sqlite", name=str(KEPT_SQLITE))
    folder = Path(tempfile.mkdtemp(prefix="hrms-bench-db-"))
    path = folder / "bench.sqlite3"
    return Database(url=f"sqlite:///{path}", vendor="sqlite", name=str(path), temp_dir=folder)


def _postgres_admin(db: Database):
    import psycopg

    parts = urlsplit(db.url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def reset_database(db: Database) -> None:
    """Drop and create the benchmark's database (empty)."""
    if db.vendor == "postgresql":
        with _postgres_admin(db) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db.name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(db.name + suffix).unlink(missing_ok=True)


def drop_database(db: Database) -> None:
    if db.vendor == "postgresql":
        with _postgres_admin(db) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
    elif db.temp_dir is not None:
        shutil.rmtree(db.temp_dir, ignore_errors=True)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(db.name + suffix).unlink(missing_ok=True)


def database_exists(db: Database) -> bool:
    if db.vendor == "postgresql":
        with _postgres_admin(db) as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name])
            return found.fetchone() is not None
    return Path(db.name).exists()


def manage(env: dict, *arguments: str, quiet: bool = False) -> float:
    """Run manage.py with `env`; returns the wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    return time.perf_counter() - started


# --------------------------------------------------------------------------------------
# Django in this process: for reading the data set and counting queries.


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hrms.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # The app logs one line per request; in-process requests need not fill the terminal.
    logging.getLogger("hrms.request").setLevel(logging.WARNING)


def seeded_sizes() -> tuple[int, int, int]:
    from attendance.models import AttendanceRecord
    from employees.models import Department, Employee

    return (
        Employee.objects.count(),
        Department.objects.count(),
        AttendanceRecord.objects.count(),
    )


def prepare_user(password: str):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = User.objects.create_superuser(BENCH_USER, "bench@example.com", password)
    else:
        user.is_superuser = user.is_staff = user.is_active = True
        user.set_password(password)
        user.save()
    return user


def read_dataset(search: str) -> Dataset:
    from django.conf import settings
    from django.db.models import Count, Max, Min
    from django.utils import timezone

    from attendance.models import AttendanceRecord
    from employees.models import Department, Employee

    today = timezone.localdate()
    span = AttendanceRecord.objects.aggregate(first=Min("date"), last=Max("date"))
    # The roster lists everyone employed today; take the department closest to 400 of them.
    sizes = (
        Employee.objects.employed_on(today)
        .values("department")
        .annotate(n=Count("pk"))
        .order_by("department")
    )
    best = min(sizes, key=lambda row: (abs(row["n"] - 400), row["department"]))
    active = Employee.objects.filter(is_active=True).count()
    # An employee in the middle of the codes, who is still employed (a full profile).
    middle = Employee.objects.filter(is_active=True).order_by("employee_id")
    profile = middle[active // 2]
    search_hits = (
        Employee.objects.filter(is_active=True, full_name__icontains=search).count()
        + Employee.objects.filter(is_active=True, email__icontains=search)
        .exclude(full_name__icontains=search)
        .count()
    )
    last_full_month = today.replace(day=1) - datetime.timedelta(days=1)
    last_day = span["last"] or today
    return Dataset(
        employees=Employee.objects.count(),
        departments=Department.objects.count(),
        attendance_records=AttendanceRecord.objects.count(),
        first_day=str(span["first"]),
        last_day=str(span["last"]),
        active=active,
        last_page=max(1, math.ceil(active / settings.EMPLOYEES_PER_PAGE)),
        search=search,
        search_hits=search_hits,
        profile_code=profile.employee_id,
        roster_department=best["department"],
        roster_department_name=Department.objects.get(pk=best["department"]).name,
        roster_size=best["n"],
        today=today.isoformat(),
        month=last_full_month.strftime("%Y-%m"),
        attendance_start=(last_day - datetime.timedelta(days=29)).isoformat(),
        attendance_end=last_day.isoformat(),
    )


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        return cursor.fetchone()[0]


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
# gunicorn


class Server:
    def __init__(self, env: dict, work_dir: Path, workers: int):
        self.port = free_port()
        self.env = {
            **env,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "PROMETHEUS_MULTIPROC_DIR": str(work_dir / "metrics"),
        }
        self.log_path = work_dir / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_file = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "hrms.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see its log:\n{self.tail()}")
            try:
                answer = Browser(self.port).get("/healthz")
                if answer.status == 200 and len(self.workers()) >= int(self.env["WEB_CONCURRENCY"]):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in 60 s:\n{self.tail()}")

    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def problems(self, limit: int = 20) -> list[str]:
        """gunicorn's own warnings and errors (worker timeouts, tracebacks) from its log."""
        pattern = re.compile(
            r"TIMEOUT|SIGKILL|Traceback|\[(ERROR|CRITICAL|WARNING)\]|\"(ERROR|WARNING)\""
        )
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [line[:500] for line in lines if pattern.search(line)][:limit]

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Any worker left behind (it should not be) goes with its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log_file.close()
        self.process = None


class RssSampler:
    """Samples VmRSS of the given processes every few milliseconds while running."""

    def __init__(self, pids: list[int], interval: float = 0.002):
        self.pids = pids
        self.interval = interval
        self.peak = {pid: read_proc_status(pid, "VmRSS") or 0 for pid in pids}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                rss = read_proc_status(pid, "VmRSS")
                if rss is not None and rss > self.peak[pid]:
                    self.peak[pid] = rss
            self.samples += 1
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


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


# --------------------------------------------------------------------------------------
# Report


def _ms(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def verdict(row: dict, floor_ms: float) -> str:
    median = row["median_ms"]
    if row["kind"] == "floor":
        return "-" if median < TARGET_MEDIAN_MS else f"no: {median - TARGET_MEDIAN_MS:.0f} ms over"
    if row["kind"] in ("save", "save_htmx"):
        if median <= TARGET_SAVE_MS:
            return f"yes (< {TARGET_SAVE_MS:.0f} ms)"
        over = median - TARGET_SAVE_MS
        return f"no: +{_ms(over)} ms ({over / TARGET_SAVE_MS:.0%}) over {TARGET_SAVE_MS:.0f} ms"
    misses = []
    if median > TARGET_MEDIAN_MS:
        over = median - TARGET_MEDIAN_MS
        misses.append(
            f"+{_ms(over)} ms ({over / TARGET_MEDIAN_MS:.0%}) over {TARGET_MEDIAN_MS:.0f}"
        )
    ratio = median / floor_ms
    if ratio > TARGET_FLOOR_RATIO:
        misses.append(f"{ratio:.1f}x floor (limit {TARGET_FLOOR_RATIO:.0f}x)")
    return "yes" if not misses else "no: " + "; ".join(misses)


def export_verdict(full: dict, small: dict) -> str:
    growth = full["rss_growth_max_mb"]
    if full["failed"]:
        cut = full["failed"][0]
        return (
            f"no: cut off after {cut['ms'] / 1000:.0f} s ({cut['rows']:,} rows sent; "
            f"gunicorn worker timeout); memory peak +{growth:.1f} MB until then"
        )
    extra = growth - small["rss_growth_max_mb"]
    if growth <= TARGET_EXPORT_GROWTH_MB and extra <= TARGET_EXPORT_GROWTH_MB:
        return f"yes: flat (peak +{growth:.1f} MB)"
    return f"no: peak RSS +{growth:.1f} MB (limit {TARGET_EXPORT_GROWTH_MB:.0f} MB)"


def table(results: dict) -> str:
    rows = results["pages"]
    floor = next(r for r in rows if r["kind"] == "floor")["median_ms"]
    header = ("page", "median ms", "p95 ms", "x floor", "queries", "target met?")
    lines = []
    for row in rows:
        lines.append(
            (
                row["label"],
                f"{row['median_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                f"{row['median_ms'] / floor:.1f}",
                str(row.get("queries", "?")),
                row["target"],
            )
        )
    for key in ("export_department", "export_all"):
        exp = results.get(key)
        if exp:
            lines.append(
                (
                    exp["label"],
                    f"{exp['median_ms']:.0f}",
                    f"{exp['p95_ms']:.0f}",
                    f"{exp['median_ms'] / floor:.0f}",
                    str(exp.get("queries", "?")),
                    exp["target"],
                )
            )
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(len(header))]

    def fmt(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [fmt(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt(line) for line in lines]
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# Main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark HRMS Lite under gunicorn on a seeded data set.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="Database when DATABASE_URL is not set (postgres: " + DEFAULT_POSTGRES_URL + ").",
    )
    parser.add_argument("--database-url", help="Overrides DATABASE_URL (name must hold 'bench').")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Reuse an already-seeded benchmark database of the same size (and keep it).",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the benchmark database afterwards."
    )
    parser.add_argument("--employees", type=int, default=10_000, help="seed_demo --employees.")
    parser.add_argument("--departments", type=int, default=25, help="seed_demo --departments.")
    parser.add_argument("--days", type=int, default=250, help="seed_demo --days.")
    parser.add_argument("--warmup", type=int, default=5, help="Warm-up requests per page.")
    parser.add_argument("--repeat", type=int, default=30, help="Measured requests per page.")
    parser.add_argument("--export-warmup", type=int, default=1, help="Warm-up downloads.")
    parser.add_argument("--export-repeat", type=int, default=5, help="Measured downloads.")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY.")
    parser.add_argument("--search", default="smith", help="The directory search term.")
    parser.add_argument(
        "--profile",
        default="",
        help="Comma-separated page keys to run once in-process under cProfile "
        "(e.g. roster,roster_save,dashboard); printed after the table.",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS on PostgreSQL; QUERY PLAN on SQLite) the slowest query "
        "of every page; printed after the table.",
    )
    parser.add_argument("--output", help="JSON results file (default bench/results-<db>.json).")
    parser.add_argument(
        "--no-export", action="store_true", help="Skip the CSV export (quicker runs)."
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    db = choose_database(args)
    started_at = datetime.datetime.now(datetime.UTC)
    work_dir = Path(tempfile.mkdtemp(prefix="hrms-bench-"))
    password = secrets.token_urlsafe(24)
    env = {
        # The cache is each process's own (as with `make serve` without REDIS_URL): the
        # benchmark clears it, and must never flush a Redis that something else uses.
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "hrms.settings",
        "DATABASE_URL": db.url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # Persistent connections, as docs/deploy.md recommends for production.
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "PYTHONUNBUFFERED": "1",
    }
    keep = args.keep or args.reuse
    code_before = code_snapshot()
    server = None
    results: dict = {}
    try:
        seed_seconds = None
        reused = False
        django_ready = False
        if args.reuse and database_exists(db):
            setup_django(env)
            django_ready = True
            manage(env, "migrate", "--noinput", quiet=True)
            employees, departments, records = seeded_sizes()
            if employees == args.employees and departments == args.departments and records:
                reused = True
                log(f"reusing {db.vendor} database {db.name}: {employees} employees")
            else:
                from django.db import connections

                connections.close_all()
        if not reused:
            log(f"creating {db.vendor} database {db.name}")
            reset_database(db)
            migrate_s = manage(env, "migrate", "--noinput", quiet=True)
            log(f"migrated in {migrate_s:.1f} s; seeding ...")
            seed_seconds = manage(
                env,
                "seed_demo",
                "--employees",
                str(args.employees),
                "--departments",
                str(args.departments),
                "--days",
                str(args.days),
                "--seed",
                "1",
                "--force",
            )
            log(f"seed_demo took {seed_seconds:.1f} s")
            if not django_ready:
                setup_django(env)
        if db.vendor == "postgresql":
            from django.db import connection

            # Steady state, as autovacuum would soon reach after the seed's bulk COPY:
            # fresh statistics and a visibility map (index-only scans).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        user = prepare_user(password)
        ds = read_dataset(args.search)
        log(
            f"data set: {ds.employees} employees ({ds.active} active), {ds.departments} "
            f"departments, {ds.attendance_records} records {ds.first_day}..{ds.last_day}; "
            f"roster: {ds.roster_department_name} ({ds.roster_size} people)"
        )
        from django.db import connections

        connections.close_all()

        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        server = Server(env, work_dir, args.workers)
        server.start()
        log(f"gunicorn on port {server.port}, workers {server.workers()}")
        browser = Browser(server.port)
        browser.sign_in(BENCH_USER, password)

        pages = build_pages(ds)
        roster_path = next(p.path for p in pages if p.key == "roster")
        busy0 = machine_busy()
        load_before = os.getloadavg()
        processes_before = busiest_processes()
        t0 = time.perf_counter()
        run_pages(browser, pages, roster_path, args.warmup, args.repeat)
        busy1 = machine_busy()
        processes_after = busiest_processes()
        pages_seconds = time.perf_counter() - t0

        exports = {}
        if not args.no_export:
            for key, label, path in (
                (
                    "export_department",
                    f"CSV export {ds.month}, {ds.roster_size}-person dept",
                    export_path(ds.month, ds.roster_department),
                ),
                ("export_all", f"CSV export {ds.month}, everyone", export_path(ds.month)),
            ):
                log(f"export: {path}")
                exports[key] = measure_export(
                    browser, server, path, args.export_warmup, args.export_repeat
                )
                exports[key].update(label=label, kind="export", key=key)
        load_after = os.getloadavg()
        server_log_problems = server.problems()
        server.stop()
        server = None

        # Query counts (and profiles) in-process, on the same database.
        log("counting queries in-process")
        in_process = InProcess(user)
        floor_ms = statistics.median(pages[0].results)
        page_rows = []
        for page in pages:
            row = {
                "key": page.key,
                "label": page.label,
                "path": page.path,
                "kind": page.kind,
                "n": len(page.results),
                "median_ms": statistics.median(page.results),
                "p95_ms": percentile(page.results, 95),
                "mean_ms": statistics.fmean(page.results),
                "min_ms": min(page.results),
                "max_ms": max(page.results),
                "ttfb_median_ms": statistics.median(page.ttfb),
                "bytes": statistics.median(page.sizes),
                "bytes_sent": statistics.median(page.sent_sizes),
                "samples_ms": [round(x, 2) for x in page.results],
            }
            row.update(in_process.count_queries(page, roster_path))
            row["x_floor"] = row["median_ms"] / floor_ms
            row["target"] = verdict(row, floor_ms)
            page_rows.append(row)
        for key, exp in exports.items():
            probe = Page(key, exp["label"], exp["path"])
            whole = key == "export_all"
            exp.update(
                in_process.count_queries(
                    probe, roster_path, rerun=not whole, runs=1 if whole else 2
                )
            )
            exp["x_floor"] = exp["median_ms"] / floor_ms
        if exports:
            exports["export_all"]["target"] = export_verdict(
                exports["export_all"], exports["export_department"]
            )
            exports["export_department"]["target"] = "(reference for memory)"

        profiles = {}
        for key in filter(None, (k.strip() for k in args.profile.split(","))):
            page = next((p for p in pages if p.key == key), None)
            if page is None and key in exports:
                page = Page(key, exports[key]["label"], exports[key]["path"])
            if page is None:
                log(f"no page called {key!r} to profile")
                continue
            profiles[key] = in_process.profile(page, roster_path)
        explains = {}
        if args.explain:
            for row in page_rows:
                if row["kind"] != "floor" and row["slowest_queries"]:
                    sql = row["slowest_queries"][0]["_full_sql"]
                    if sql.lstrip().upper().startswith("SELECT"):
                        try:
                            plan = explain(sql)
                        except Exception as error:  # noqa: BLE001 (a report, not the run)
                            plan = f"(EXPLAIN failed: {error})"
                        explains[row["key"]] = {"sql": sql[:3000], "plan": plan}

        from django.db import connection

        results = {
            "date": started_at.isoformat(timespec="seconds"),
            "machine": machine_info(),
            "database": {
                "vendor": db.vendor,
                "name": db.name if db.vendor == "postgresql" else "temporary SQLite file",
                "version": database_version(),
                "conn_max_age": int(env.get("CONN_MAX_AGE", "60") or 0),
                "reused": reused,
            },
            "django": __import__("django").get_version(),
            "gunicorn": {"workers": args.workers, "command": "gunicorn -c gunicorn.conf.py"},
            "dataset": {
                **ds.__dict__,
                "seed_command": (
                    f"manage.py seed_demo --employees {args.employees} --departments "
                    f"{args.departments} --days {args.days} --seed 1 --force"
                ),
            },
            "seed_seconds": seed_seconds,
            "method": {
                "warmup": args.warmup,
                "repeat": args.repeat,
                "export_warmup": args.export_warmup,
                "export_repeat": args.export_repeat,
                "client": "http.client, one client, sequential, new connection per request",
                "order": "round-robin: each round asks for every page once",
            },
            "machine_load": {
                "loadavg_before": load_before,
                "loadavg_after": load_after,
                "cpu_busy_during_pages_pct": round(
                    100 * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), 1
                ),
                "pages_seconds": round(pages_seconds, 1),
                "busiest_processes_before": processes_before,
                "busiest_processes_after": processes_after,
                "note": "other processes (tests, browsers) may have been running on the machine",
            },
            "targets": {
                "median_ms": TARGET_MEDIAN_MS,
                "x_floor": TARGET_FLOOR_RATIO,
                "roster_save_ms": TARGET_SAVE_MS,
                "export_rss_growth_mb": TARGET_EXPORT_GROWTH_MB,
            },
            "pages": page_rows,
            **exports,
            "profiles": profiles,
            "explains": explains,
            "server_log_problems": server_log_problems,
        }
        connection.close()
        for item in [*page_rows, *exports.values()]:
            for query in item.get("slowest_queries", []):
                query.pop("_full_sql", None)

        changed = code_changes(code_before)
        results["code_changed_during_run"] = changed
        output = Path(args.output) if args.output else ROOT / "bench" / f"results-{db.vendor}.json"
        output.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print()
        print(
            f"HRMS Lite benchmark, {db.vendor} ({results['database']['version']}), "
            f"{ds.employees:,} employees x {args.days} days, {args.workers} gunicorn workers, "
            f"{args.repeat} measured requests per page"
        )
        if seed_seconds is not None:
            print(f"seed_demo: {seed_seconds:.1f} s")
        print(table(results))
        for key in ("export_department", "export_all"):
            exp = exports.get(key)
            if exp:
                print(
                    f"{exp['label']}: {exp['rows']:,} rows, {exp['bytes'] / 1e6:.1f} MB, "
                    f"first byte after "
                    f"{exp['ttfb_median_ms']:.0f} ms, worker RSS {exp['rss_before_first_mb']:.0f}"
                    f" MB before, peak +{exp['rss_growth_max_mb']:.1f} MB"
                )
        print(
            f"machine: {results['machine']['cpus']} CPUs, load {load_before[0]:.2f} -> "
            f"{load_after[0]:.2f}, whole machine "
            f"{results['machine_load']['cpu_busy_during_pages_pct']}% busy while measuring"
        )
        for line in server_log_problems:
            print(f"gunicorn log: {line}")
        if changed:
            print(
                "WARNING: the app's code changed during this run, so the numbers may mix two "
                "versions; run again: " + ", ".join(changed)
            )
        print(f"results: {output}")
        for key, text in profiles.items():
            print(f"\n===== profile: {key}\n{text}")
        for key, item in explains.items():
            print(f"\n===== explain: {key}\n{item['sql']}\n{item['plan']}")
        return 0
    except BaseException:
        if server is not None:
            print(f"gunicorn's log (last lines):\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            log("stopping gunicorn")
            server.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        shutil.rmtree(work_dir, ignore_errors=True)
        if keep:
            log(f"kept the {db.vendor} database {db.name} (--reuse runs reuse it)")
        else:
            drop_database(db)
            log(f"removed the {db.vendor} database {db.name}")


if __name__ == "__main__":
    sys.exit(main())
