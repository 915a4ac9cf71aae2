"""The benchmark's data: which database, creating and seeding it, and reading it back.

`choose_database` picks the database (a fresh SQLite file, a kept one, or PostgreSQL, always
with `bench` in its name), `reset_database` / `drop_database` / `database_exists` manage it,
`manage` runs `manage.py` (`migrate`, `seed_demo`, `collectstatic`), and the functions that
use Django in this process (`setup_django`, `seeded_sizes`, `prepare_user`, `read_dataset`,
`database_version`) read the seeded data set into a `Dataset`. Django is imported only
inside functions, after `setup_django`.
"""

from __future__ import annotations

import datetime
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# The project's root: manage.py, gunicorn.conf.py and the apps (bench/ is in it).
ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/hrms_bench"
# Where a kept SQLite database lives between runs (--keep / --reuse).
KEPT_SQLITE = Path(tempfile.gettempdir()) / "hrms-bench-data" / "bench.sqlite3"
BENCH_USER = "bench"


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
        _delete_sqlite_files(db.name)


def drop_database(db: Database) -> None:
    if db.vendor == "postgresql":
        with _postgres_admin(db) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
    elif db.temp_dir is not None:
        shutil.rmtree(db.temp_dir, ignore_errors=True)
    else:
        _delete_sqlite_files(db.name)


def _delete_sqlite_files(name: str) -> None:
    """Delete an SQLite database with its write-ahead log and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(name + suffix).unlink(missing_ok=True)


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
