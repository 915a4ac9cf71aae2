"""Demo data: realistic departments and employees, reproducible from a seed."""

import datetime
import random
import re

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from attendance.calendar import last_working_days
from attendance.models import AttendanceRecord
from employees.models import Department, Employee

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
    *, employees: int = 40, departments: int = 5, days: int = 0, seed: int = 1
) -> None:
    """Create departments, employees and `days` days of attendance before today, in bulk."""
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
    Employee.objects.bulk_create(people, batch_size=1000)
    if days:
        _create_demo_attendance(people, days=days, rng=rng, today=today)


def _create_demo_attendance(people, *, days: int, rng: random.Random, today) -> None:
    """Mark the last `days` working days before today for whoever worked on each.

    Written straight to the table in large batches (COPY on PostgreSQL), so a year
    of a 10,000-person company takes seconds, not minutes. Demo data has no history.
    """
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    working = last_working_days(days, until=today - datetime.timedelta(days=1)) if days else []
    now = timezone.now()
    to_db = Employee._meta.pk.get_db_prep_value
    spans = [
        (to_db(person.pk, connection), person.date_joined, person.date_left or today)
        for person in people
        if person.is_active or person.date_left
    ]
    rows = []
    for day in working:
        employed = [pk for pk, joined, left in spans if joined <= day <= left]
        chosen = rng.choices(statuses, weights, k=len(employed))
        for pk, status in zip(employed, chosen, strict=True):
            rows.append((pk, day, status, "", None, now, now))
        if len(rows) >= 50_000:
            _insert_attendance(rows)
            rows = []
    _insert_attendance(rows)


ATTENDANCE_COLUMNS = "employee_id, date, status, note, marked_by_id, created_at, updated_at"


def _insert_attendance(rows: list[tuple]) -> None:
    if not rows:
        return
    table = AttendanceRecord._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({ATTENDANCE_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * 7)
            cursor.executemany(
                f"INSERT INTO {table} ({ATTENDANCE_COLUMNS}) VALUES ({placeholders})", rows
            )
