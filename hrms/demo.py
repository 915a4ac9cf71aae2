"""Demo data: realistic departments and employees, reproducible from a seed."""

import datetime
import random
import re

from django.db import transaction
from django.utils import timezone
from faker import Faker

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
    """Mark every weekday of the last `days` days (not today) for whoever worked then."""
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    batch = []
    for offset in range(days, 0, -1):
        day = today - datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for person in people:
            if person.was_employed_on(day):
                status = rng.choices(statuses, weights)[0]
                batch.append(AttendanceRecord(employee=person, date=day, status=status))
        if len(batch) >= 5000:
            AttendanceRecord.objects.bulk_create(batch)
            batch = []
    AttendanceRecord.objects.bulk_create(batch)
