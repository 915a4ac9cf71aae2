from decimal import Decimal

from factory.django import DjangoModelFactory

from leave.models import LeaveType


class LeaveTypeFactory(DjangoModelFactory):
    class Meta:
        model = LeaveType
        django_get_or_create = ["name"]

    name = "Annual leave"
    days_per_year = Decimal(20)
    carry_over_max = Decimal(5)
