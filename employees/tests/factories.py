import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from employees.models import Department, Employee


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee

    employee_id = factory.Sequence(lambda n: f"EMP{n:04d}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda o: f"{o.employee_id.lower()}@example.com")
    department = factory.SubFactory(DepartmentFactory)
    job_title = "Analyst"
    date_joined = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
