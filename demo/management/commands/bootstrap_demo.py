import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from demo.data import DEMO_PIN, create_demo_data, demo_accounts, demo_kiosk
from employees.models import Employee

USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "On first run, create the demo admin account (random password, kept in a git-ignored "
        "file) and demo data; every run, print how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            default=str(settings.BASE_DIR / ".demo-admin"),
            help="Where the demo admin's password is kept (default .demo-admin).",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="The address to print.")

    def handle(self, *args, credentials_file, url, **options):
        path = Path(credentials_file)
        password = self._password(path)
        if not Employee.objects.exists():
            create_demo_data(employees=40, departments=5, days=30, punch_days=10)
            self.stdout.write(
                "Added demo data: 5 departments, 40 employees and 30 days of attendance "
                "(the last 10 from the time clock's punches), leave taken, and requests "
                "waiting for the manager below."
            )
        self.stdout.write(
            "\n"
            f"  HRMS Lite is starting at {url}\n"
            f"  Log in as: {USERNAME}\n"
            f"  Password:  {password}\n"
            f"  (kept in {path.name}; delete that file to get a new password)\n"
        )
        if self.known_password:
            people = demo_accounts(password)
            if people:
                manager, report = people
                self.stdout.write(
                    f"  Or, with the same password, as a manager: {manager.user.get_username()}\n"
                    f"  or as an employee who reports to them: {report.user.get_username()}\n"
                )
                kiosk, at = demo_kiosk(password), url.rstrip("/") + "/kiosk/"
                self.stdout.write(
                    f"  or as the office kiosk: {kiosk.get_username()} (at {at}, "
                    f"employee code {report.employee_id}, PIN {DEMO_PIN})\n"
                )

    def _password(self, path: Path) -> str:
        """The demo admin's password, creating the account or a new password as needed."""
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        password = path.read_text().strip() if path.exists() else ""
        self.known_password = True
        if user is not None and password:
            if user.check_password(password):
                return password
            self.known_password = False
            return "(changed since it was generated: use yours, or delete the file to reset it)"
        password = secrets.token_urlsafe(12)
        if user is None:
            User.objects.create_superuser(USERNAME, email="", password=password)
            self.stdout.write(f"Created the demo admin account “{USERNAME}”.")
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(f"Set a new password for “{USERNAME}”.")
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password
