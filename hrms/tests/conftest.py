import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def one_of_each(db):
    """One of every kind of record, so every page has something to show: the department
    Sales, its employee E-IN (joined 60 days ago), their record and the time clock's result
    of yesterday, and a holiday 30 days ahead."""
    from attendance.models import Holiday
    from attendance.tests.factories import AttendanceRecordFactory
    from employees.tests.factories import DepartmentFactory, EmployeeFactory
    from timeclock.models import DayOutcome

    today = timezone.localdate()
    department = DepartmentFactory(name="Sales")
    employee = EmployeeFactory(
        employee_id="E-IN", department=department, date_joined=today - datetime.timedelta(60)
    )
    yesterday = today - datetime.timedelta(1)
    DayOutcome.objects.create(  # that day's result from the time clock
        employee=employee,
        date=yesterday,
        status="absent",
        reason="No punches.",
        derived_at=timezone.now(),
    )
    return {
        "department": department,
        "employee": employee,
        "record": AttendanceRecordFactory(employee=employee, date=yesterday),
        "holiday": Holiday.objects.create(date=today + datetime.timedelta(30), name="Future Day"),
    }
