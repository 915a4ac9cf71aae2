from django.core.management.base import BaseCommand

from approvals.services import approval_reminders
from timeclock.services import clock_out_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders now, once, as the scheduler does (approvers each morning, the "
        "time clock every hour): approvers of requests waiting longer than "
        "APPROVAL_REMINDER_DAYS days, and people still clocked in an hour after their "
        "shift ended (nobody reminded to clock out today is reminded again)."
    )

    def handle(self, *args, **options):
        approvers = approval_reminders()
        clocked_in = clock_out_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminded {approvers} approver{'s' if approvers != 1 else ''} of waiting "
                f"requests and {clocked_in} {'person' if clocked_in == 1 else 'people'} "
                "still clocked in."
            )
        )
