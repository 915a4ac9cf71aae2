"""Demo data: realistic departments and employees, reproducible from a seed."""

import datetime
import operator
import random
import re
import struct
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker
from psycopg.copy import QueuedLibpqWriter

from accounts.services import kiosk_account_create
from attendance.calendar import last_working_days
from attendance.models import AttendanceRecord
from demo.accounts import employee_account
from demo.requests import demo_requests
from employees.models import Department, Employee
from timeclock.models import KioskPin
from timeclock.services import kiosk_pin_set

Status = AttendanceRecord.Status
# How often each status turns up in demo attendance.
STATUS_WEIGHTS = {
    Status.PRESENT: 80,
    Status.WORK_FROM_HOME: 8,
    Status.ON_LEAVE: 5,
    Status.ABSENT: 4,
    Status.HALF_DAY: 3,
}

DEPARTMENT_NAMES = [
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Human Resources",
    "Operations",
    "Customer Support",
    "Legal",
    "Product",
    "Design",
    "Quality Assurance",
    "Logistics",
    "Procurement",
    "Research",
    "Facilities",
    "IT Services",
    "Training",
    "Security",
    "Public Relations",
    "Business Development",
    "Data",
    "Compliance",
    "Administration",
    "Partnerships",
    "Internal Audit",
]

JOB_TITLES = {
    "Engineering": [
        "Software Engineer",
        "Senior Engineer",
        "Engineering Manager",
        "DevOps Engineer",
    ],
    "Sales": ["Account Executive", "Sales Manager", "Sales Representative"],
    "Marketing": ["Marketing Specialist", "Content Writer", "Marketing Manager"],
    "Finance": ["Accountant", "Financial Analyst", "Payroll Officer"],
    "Human Resources": ["HR Generalist", "Recruiter", "HR Manager"],
}
DEFAULT_TITLES = ["Associate", "Specialist", "Coordinator", "Team Lead", "Manager"]


@transaction.atomic
def create_demo_data(
    *,
    employees: int = 40,
    departments: int = 5,
    days: int = 0,
    punch_days: int = 0,
    seed: int = 1,
) -> None:
    """Create departments, employees and `days` days of attendance before today, in bulk.
    The last `punch_days` of them come from the time clock: people's punches (a few late,
    some leaving early, some forgetting to clock out), each day derived from them; the
    days before are marked by HR."""
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    today = timezone.localdate()

    names = DEPARTMENT_NAMES[:departments] + [
        f"Department {n}" for n in range(len(DEPARTMENT_NAMES) + 1, departments + 1)
    ]
    Department.objects.bulk_create([Department(name=name) for name in names])
    created = list(Department.objects.filter(name__in=names))

    start = Employee.objects.count() + 1
    people = []
    for n in range(start, start + employees):
        department = rng.choice(created)
        first, last = fake.first_name(), fake.last_name()
        code = f"EMP{n:05d}"
        joined = today - datetime.timedelta(days=rng.randint(30, 6 * 365))
        people.append(
            Employee(
                employee_id=code,
                full_name=f"{first} {last}",
                email=re.sub(r"[^a-z0-9.]", "", f"{first}.{last}.{code}".lower()) + "@example.com",
                department=department,
                job_title=rng.choice(JOB_TITLES.get(department.name, DEFAULT_TITLES)),
                phone=fake.numerify("+44 7### ######"),
                date_joined=joined,
            )
        )
    # A few people who have left, so the inactive filter has something to show.
    for person in people[: max(1, employees // 20)]:
        person.is_active = False
        person.date_left = today - datetime.timedelta(days=rng.randint(1, 25))
        person.date_joined = min(person.date_joined, person.date_left)
    _reporting_lines(people)
    Employee.objects.bulk_create(people, batch_size=1000)
    _working_patterns(created)
    punch_days = min(punch_days, days)
    working = last_working_days(days, until=today - datetime.timedelta(days=1)) if days else []
    if days > punch_days:
        _create_demo_attendance(people, working=working[: days - punch_days], rng=rng, today=today)
    if punch_days:
        _demo_punches(people, working=working[-punch_days:], rng=rng, today=today)
    manager, report = demo_pair()
    demo_requests(
        manager=manager,
        report=report,
        past=working[: days - punch_days],
        recent=working[days - punch_days :],
        rng=rng,
    )


def _demo_punches(people, *, working, rng: random.Random, today) -> None:
    """Punches on each of the `working` days, as a device and the web would record them,
    and each day derived from them: mostly on time, some late or leaving early, a few
    absent and a few who forgot to clock out (the exceptions inbox shows them)."""
    from timeclock.models import Punch
    from timeclock.services import days_derive

    zone = timezone.get_current_timezone()
    punches = []
    for day in working:
        for person in people:
            left = person.date_left or today
            if not person.date_joined <= day <= left:
                continue
            roll = rng.random()
            if roll < 0.04:
                continue  # absent: no punches
            arrive = (
                datetime.time(8, rng.randint(40, 59))
                if roll < 0.8
                else datetime.time(9, rng.randint(0, 40))
            )
            leave = (
                datetime.time(rng.randint(14, 16), rng.randint(0, 59))
                if roll > 0.95
                else datetime.time(17, rng.randint(30, 59))
            )
            source = "device" if rng.random() < 0.8 else "web"
            for direction, moment in (("in", arrive), ("out", leave)):
                if direction == "out" and 0.04 <= roll < 0.07:
                    continue  # forgot to clock out
                at = datetime.datetime.combine(day, moment, tzinfo=zone).replace(
                    second=rng.randint(0, 59)
                )
                punches.append(Punch(employee=person, at=at, direction=direction, source=source))
    Punch.objects.bulk_create(punches, batch_size=2_000)
    for day in working:
        days_derive(day)


def _working_patterns(departments: list[Department]) -> None:
    """Office hours, Monday to Friday, for every department: the time clock explains each
    day against them."""
    from timeclock.models import DepartmentPattern, WorkPattern, WorkPatternDay

    office, _ = WorkPattern.objects.get_or_create(name="Office hours, Mon–Fri 09:00–17:30")
    if not office.days.exists():
        WorkPatternDay.objects.bulk_create(
            WorkPatternDay(
                pattern=office,
                weekday=weekday,
                start=datetime.time(9),
                end=datetime.time(17, 30),
                break_minutes=60,
                grace_minutes=10,
                full_day_minutes=420,
                half_day_minutes=210,
            )
            for weekday in range(5)
        )
    DepartmentPattern.objects.bulk_create(
        [DepartmentPattern(department=d, pattern=office) for d in departments]
    )


# People who report to one team lead in the demo's departments.
TEAM_LEADS = 8


def _reporting_lines(people: list[Employee]) -> None:
    """A small organisation chart: the first current employee of the first department
    leads everyone; each department's first current employee reports to them, up to
    TEAM_LEADS more lead teams in it, and everyone else reports to one of those."""
    current = [person for person in people if person.is_active]
    if not current:
        return
    chief = current[0]
    by_department: dict[int, list[Employee]] = {}
    for person in people:
        by_department.setdefault(person.department_id, []).append(person)
    for members in by_department.values():
        leaders = [p for p in members if p.is_active and p is not chief][: TEAM_LEADS + 1]
        if not leaders:
            for person in members:
                person.manager = chief if person is not chief else None
            continue
        head, leads = leaders[0], leaders[1:] or leaders[:1]
        head.manager = chief
        for lead in leads:
            if lead is not head:
                lead.manager = head
        others = [p for p in members if p is not chief and p is not head and p not in leads]
        for n, person in enumerate(others):
            person.manager = leads[n % len(leads)]


def demo_pair() -> tuple[Employee | None, Employee | None]:
    """The demo's manager (the first current employee who has a manager and current
    reports) and their first current report, each with an account (`employee_account`):
    requests go to the manager."""
    leads = Employee.objects.filter(is_active=True, manager__isnull=False, reports__is_active=True)
    manager = leads.order_by("employee_id").first()
    if manager is None:
        return None, None
    report = manager.reports.filter(is_active=True).order_by("employee_id").first()
    for person in (manager, report):
        employee_account(person)
    return manager, report


def demo_accounts(password: str) -> list[Employee]:
    """Accounts for the demo's manager and report (`demo_pair`), so the demo shows what
    each sees, each with the kiosk PIN DEMO_PIN. Made once; `password` (and their email
    address) is set whenever it is not theirs yet. Returns them, manager first (none
    without data)."""
    manager, report = demo_pair()
    if manager is None:
        return []
    for person in (manager, report):
        user = person.user
        if not user.check_password(password) or user.email != person.email:
            user.set_password(password)
            user.email = person.email
            user.save(update_fields=["password", "email"])
        if not KioskPin.objects.filter(employee=person).exists():
            kiosk_pin_set(employee=person, pin=DEMO_PIN)
    return [manager, report]


# The demo's office kiosk, and the PIN there of the demo accounts' employees.
DEMO_KIOSK = "kiosk"
DEMO_PIN = "4826"


def demo_kiosk(password: str):
    """The demo's office kiosk account (role Kiosk), made once; `password` is set whenever
    it is not its password yet."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=DEMO_KIOSK).first()
    if user is None:
        return kiosk_account_create(username=DEMO_KIOSK, password=password)
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _create_demo_attendance(people, *, working, rng: random.Random, today) -> None:
    """Mark the `working` days for whoever worked on each.

    Written straight to the table, day by day as people would have marked it: a year of a
    100,000-person company (23 million records) takes minutes. Demo data has no history.
    """
    employment = [
        (person.pk, person.date_joined, person.date_left or today)
        for person in people
        if person.is_active or person.date_left
    ]
    write = _copy_attendance if connection.vendor == "postgresql" else _insert_attendance
    write(employment, working=working, rng=rng, now=timezone.now())


def _marked_days(employment, *, working, rng: random.Random):
    """Yield each working day, the keys of the `employment` spans ((key, joined, left))
    that cover it, and a status for each of them drawn by STATUS_WEIGHTS."""
    statuses, weights = [status.value for status in STATUS_WEIGHTS], list(STATUS_WEIGHTS.values())
    for day in working:
        employed = [key for key, joined, left in employment if joined <= day <= left]
        yield day, employed, rng.choices(statuses, weights, k=len(employed))


ATTENDANCE_COLUMNS = "employee_id, date, status, note, marked_by_id, created_at, updated_at"

# PostgreSQL's binary COPY format: a header; each row as its number of fields, then each
# field as its length and bytes (length -1: NULL); a trailer. Dates count days and
# timestamps microseconds from 2000-01-01 (UTC).
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
COPY_TRAILER = struct.pack("!h", -1)
COPY_NULL = struct.pack("!i", -1)
COPY_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _binary(value: bytes) -> bytes:
    return struct.pack("!i", len(value)) + value


def _copy_attendance(employment, *, working, rng: random.Random, now) -> None:
    """COPY the records in PostgreSQL's binary format (nothing for the server to parse),
    a day's rows as one block, each row the employee's bytes and that day's bytes for its
    status. A worker thread sends each block while the next one is built.

    A table that starts empty is loaded without its indexes (`_indexes_built_after`).
    """
    table = connection.ops.quote_name(AttendanceRecord._meta.db_table)
    row_start = struct.pack("!h", 7)
    employment = [(row_start + _binary(pk.bytes), *span) for pk, *span in employment]
    stamp = _binary(struct.pack("!q", (now - COPY_EPOCH) // datetime.timedelta(microseconds=1)))
    with connection.cursor() as cursor, _indexes_built_after(AttendanceRecord):
        raw = cursor.cursor
        sql = f"COPY {table} ({ATTENDANCE_COLUMNS}) FROM STDIN (FORMAT BINARY)"
        with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
            copy.write(COPY_HEADER)
            for day, employed, statuses in _marked_days(employment, working=working, rng=rng):
                date = _binary(struct.pack("!i", (day - COPY_EPOCH.date()).days))
                # After the employee: the day, the status, an empty note, nobody marked it
                # (NULL), created and updated now.
                rest = {
                    status: date + _binary(status.encode()) + _binary(b"") + COPY_NULL + stamp * 2
                    for status in Status.values
                }
                copy.write(b"".join(map(operator.add, employed, map(rest.__getitem__, statuses))))
            copy.write(COPY_TRAILER)


def _insert_attendance(employment, *, working, rng: random.Random, now) -> None:
    """INSERT the records, a day at a time (SQLite).

    The unique index on (employee, day) still grows in random order, so SQLite gets a page
    cache that holds it (256 MB instead of 2 MB) rather than write pages out and read them
    back all the time.
    """
    table = connection.ops.quote_name(AttendanceRecord._meta.db_table)
    sql = f"INSERT INTO {table} ({ATTENDANCE_COLUMNS}) VALUES (%s, %s, %s, '', NULL, %s, %s)"
    to_db = Employee._meta.pk.get_db_prep_value
    employment = [(to_db(pk, connection), *span) for pk, *span in employment]
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor, _indexes_built_after(AttendanceRecord):
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")  # negative: in KiB
        try:
            for day, employed, statuses in _marked_days(employment, working=working, rng=rng):
                date = connection.ops.adapt_datefield_value(day)
                rows = zip(employed, statuses, strict=True)
                cursor.executemany(sql, [(pk, date, status, stamp, stamp) for pk, status in rows])
        finally:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")


@contextmanager
def _indexes_built_after(model):
    """Load an empty table without its secondary indexes (and on PostgreSQL its unique and
    foreign-key constraints), then build them back exactly as they were.

    An index built from all the rows at once is much faster than one updated row by row
    (the employee indexes are in random order: ids are UUIDs), and a foreign key added to
    a full table is checked with one join instead of once per row. All of it happens in
    the caller's transaction: a failure undoes the dropping too, and other connections
    wait for the table until the commit. A table that has rows keeps its indexes.
    """
    if model._base_manager.exists():
        yield
        return
    with connection.cursor() as cursor:
        statements = _index_statements(cursor, model._meta.db_table)
        if connection.vendor == "postgresql":
            # Check the rows written so far in this transaction (the employees' foreign
            # keys) now: PostgreSQL alters no table that has checks still waiting.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for drop, _ in statements:
            cursor.execute(drop)
    yield
    with connection.cursor() as cursor:
        for _, create in statements:
            cursor.execute(create)


def _index_statements(cursor, table: str) -> list[tuple[str, str]]:
    """Drop and create again each secondary index of `table` and, on PostgreSQL, each
    unique and foreign-key constraint (SQLite's are part of the table)."""
    quote = connection.ops.quote_name
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL ORDER BY name",
            [table],
        )
        return [(f"DROP INDEX {quote(name)}", create) for name, create in cursor.fetchall()]
    cursor.execute(
        "SELECT 'DROP INDEX ' || indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = %(table)s::regclass AND indexrelid NOT IN"
        " (SELECT conindid FROM pg_constraint WHERE conrelid = %(table)s::regclass)"
        " ORDER BY 1",
        {"table": quote(table)},
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname",
        [quote(table)],
    )
    alter = f"ALTER TABLE {quote(table)}"
    constraints = [
        (f"{alter} DROP CONSTRAINT {quote(name)}", f"{alter} ADD CONSTRAINT {quote(name)} {rule}")
        for name, rule in cursor.fetchall()
    ]
    return indexes + constraints
