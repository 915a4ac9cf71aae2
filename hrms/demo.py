"""Demo data: realistic departments and employees, reproducible from a seed."""

import datetime
import random
import re

from django.db import transaction
from django.utils import timezone
from faker import Faker

from employees.models import Department, Employee

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
def create_demo_directory(*, employees: int = 40, departments: int = 5, seed: int = 1) -> None:
    """Create `departments` departments and `employees` employees in bulk."""
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
