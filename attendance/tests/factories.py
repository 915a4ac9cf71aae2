import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from attendance.models import AttendanceRecord
from employees.tests.factories import EmployeeFactory


class AttendanceRecordFactory(DjangoModelFactory):
    class Meta:
        model = AttendanceRecord

    employee = factory.SubFactory(EmployeeFactory)
    date = factory.LazyFunction(timezone.localdate)
    status = AttendanceRecord.Status.PRESENT
