import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from attendance.models import AttendanceRecord
from attendance.services import STATUS_WORDS, attendance_mark_day
from core.formats import format_day
from employees.models import Department


class Command(BaseCommand):
    help = (
        "Mark everyone employed on a day (or one department) with one status, through the "
        "attendance rules. With --only-unmarked, people already marked keep their status."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="The day, as YYYY-MM-DD.")
        parser.add_argument(
            "--status",
            required=True,
            help="Present, Absent, Half day, On leave or Work from home (or P, A, H, L, W).",
        )
        parser.add_argument("--department", help="Only this department (its name).")
        parser.add_argument(
            "--only-unmarked", action="store_true", help="Leave people already marked alone."
        )

    def handle(self, *args, date, status, department, only_unmarked, **options):
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"Give the date as YYYY-MM-DD (not {date}).") from None
        value = STATUS_WORDS.get(status.strip().lower())
        if value is None:
            labels = ", ".join(AttendanceRecord.Status.labels)
            raise CommandError(f"“{status}” is not a status. Use one of: {labels}.")
        chosen = None
        if department:
            chosen = Department.objects.filter(name__iexact=department.strip()).first()
            if chosen is None:
                raise CommandError(f"There is no department named {department}.")
        try:
            result = attendance_mark_day(
                day=day, status=value, department=chosen, only_unmarked=only_unmarked
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        label = AttendanceRecord.Status(value).label
        self.stdout.write(
            self.style.SUCCESS(
                f"Marked {result.saved} employees {label} on {format_day(day)}: "
                f"{result.created} newly marked, {result.updated} changed."
            )
        )
