import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.formats import format_day
from timeclock.services import days_derive


class Command(BaseCommand):
    help = (
        "Derive each day's result from the punches again, for everyone with a working "
        "pattern, from --from to --to (default: today). Days HR marked by hand keep their "
        "mark. Use it after changing patterns or holidays far back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD (default: today).")

    def handle(self, *args, first, last, **options):
        today = timezone.localdate()
        try:
            start = datetime.date.fromisoformat(first)
            end = datetime.date.fromisoformat(last) if last else today
        except ValueError as error:
            raise CommandError(f"Give dates as YYYY-MM-DD ({error}).") from None
        if end > today:
            raise CommandError("Days after today have no punches to derive from yet.")
        if start > end:
            raise CommandError("The first day is after the last.")
        days = kept = 0
        day = start
        while day <= end:
            kept += days_derive(day)
            days += 1
            day += datetime.timedelta(days=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Derived {days} days ({format_day(start)} to {format_day(end)}): "
                f"{kept} results kept."
            )
        )
