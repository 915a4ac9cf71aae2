from django.core.management.base import BaseCommand, CommandError

from attendance.selectors import figures_changed
from demo.data import create_demo_data
from employees.models import Employee
from employees.versions import employees_changed


class Command(BaseCommand):
    help = (
        "Fill the database with realistic demo departments, employees and attendance, "
        "leave types, leave taken and requests waiting for approval."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees", type=int, default=40, help="How many employees (default 40)."
        )
        parser.add_argument(
            "--departments", type=int, default=5, help="How many departments (default 5)."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=30,
            help="Working days of attendance before today (default 30).",
        )
        parser.add_argument(
            "--punch-days",
            type=int,
            default=10,
            help="Of those, the most recent that come from the time clock: punches, each day "
            "derived from them (default 10).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed, for the same data every time."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add demo data even if the database already has employees.",
        )

    def handle(self, *args, employees, departments, days, punch_days, seed, force, **options):
        if employees < 0 or departments < 1 or days < 0 or punch_days < 0:
            raise CommandError(
                "Use --employees 0 or more, --departments 1 or more, and --days and "
                "--punch-days 0 or more."
            )
        if Employee.objects.exists() and not force:
            raise CommandError(
                "This database already has employees; demo data is only added to an empty one. "
                "Use --force to add it anyway."
            )
        create_demo_data(
            employees=employees,
            departments=departments,
            days=days,
            punch_days=punch_days,
            seed=seed,
        )
        # Written in bulk, without signals: running servers forget what they kept.
        employees_changed()
        figures_changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {departments} departments, {employees} employees and "
                f"{days} working days of attendance (the last {min(punch_days, days)} from "
                "the time clock)."
            )
        )
