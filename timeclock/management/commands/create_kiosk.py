import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import kiosk_account_create
from employees.models import Department


class Command(BaseCommand):
    help = (
        "Create the account of an office kiosk, where employees clock in and out with their "
        "code and PIN (it can do nothing else), and print its new password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The kiosk account's user name, e.g. kiosk-hall.")
        parser.add_argument(
            "--department",
            action="append",
            default=[],
            metavar="NAME",
            help="Take only this department's employees (repeat for more); default: everyone.",
        )

    def handle(self, *args, username, department, **options):
        department_ids = None
        if department:
            found = {d.name.lower(): d.pk for d in Department.objects.all()}
            unknown = [name for name in department if name.lower() not in found]
            if unknown:
                raise CommandError(f"No department named {', '.join(map(repr, unknown))}.")
            department_ids = [found[name.lower()] for name in department]
        password = secrets.token_urlsafe(12)
        try:
            user = kiosk_account_create(
                username=username, password=password, department_ids=department_ids
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        where = f"the employees of {', '.join(department)}" if department else "every employee"
        self.stdout.write(
            f"Created the kiosk account “{user.get_username()}” for {where}.\n"
            f"  Password: {password}\n"
            "Sign in with it on the office's tablet: it opens the kiosk, and nothing else."
        )
