import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim, Upper
from django.urls import reverse
from django.utils import timezone

from core.db import filled_in

employee_code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]+\Z",
    "Use only letters, digits, “-” and “_” (for example EMP-001).",
    code="invalid_code",
)


class Department(models.Model):
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="department_name_unique_ci",
                violation_error_message="A department with this name already exists.",
            ),
            filled_in("name", name="department_name_trimmed", message="Enter a department name."),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("employees:list") + f"?department={self.pk}"

    def get_additional_data(self) -> dict:
        """Kept with each audit log entry: lets department limits apply to history."""
        return {"department": self.pk}

    def validate_constraints(self, exclude=None):
        # Every constraint of a department is about its name: report them there.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError({"name": error.messages}) from None


class EmployeeQuerySet(models.QuerySet):
    def employed_on(self, day):
        """Employees who worked here on `day`: joined by then and not yet left."""
        return self.employed_between(day, day)

    def employed_between(self, start, end):
        """Employees who worked here on at least one day from `start` to `end`."""
        return self.filter(employed_between(start, end))


def employed_between(start, end, prefix: str = "") -> Q:
    """The condition of having worked here on at least one day from `start` to `end`, on
    an employee's fields, or through a relation (`prefix`, e.g. "employee__")."""
    return Q(**{f"{prefix}date_joined__lte": end}) & (
        Q(**{f"{prefix}date_left__gte": start})
        | Q(**{f"{prefix}date_left__isnull": True, f"{prefix}is_active": True})
    )


class Employee(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employee_id = models.CharField(
        "employee code",
        max_length=20,
        unique=True,
        validators=[employee_code_validator],
        help_text="Letters, digits, “-” and “_”; stored in capitals.",
    )
    full_name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="employees")
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The person this employee reports to.",
    )
    job_title = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    date_joined = models.DateField(default=timezone.localdate)
    date_left = models.DateField(null=True, blank=True)
    is_active = models.BooleanField("active", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        help_text="The account this employee signs in with (set when they accept an invitation).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "employee_id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(employee_id="") & Q(employee_id=Upper(Trim("employee_id"))),
                name="employee_code_upper_trimmed",
                violation_error_message="The employee code must be in capitals.",
            ),
            models.CheckConstraint(
                condition=Q(email=Lower(Trim("email"))),
                name="employee_email_lower",
                violation_error_message="The email must be in lower case.",
            ),
            filled_in(
                "full_name",
                name="employee_full_name_trimmed",
                message="Enter the employee's full name.",
            ),
            models.CheckConstraint(
                condition=~Q(manager=F("pk")),
                name="employee_not_own_manager",
                violation_error_message="An employee cannot be their own manager.",
            ),
            models.CheckConstraint(
                condition=Q(date_left__isnull=True) | Q(date_left__gte=F("date_joined")),
                name="employee_left_after_joined",
                violation_error_message="The leaving date cannot be before the joining date.",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "full_name"], name="employee_active_name_idx"),
            # The first few people not yet marked today, by name, read in name order.
            models.Index(fields=["full_name", "employee_id"], name="employee_name_idx"),
            # "Recently added" on the dashboard and the API's newest-first list.
            models.Index(fields=["-created_at", "-employee_id"], name="employee_newest_idx"),
        ]
        permissions = [
            ("export_employee", "Can export the employee directory"),
            ("import_employee", "Can import employees from a file"),
            ("invite_employee", "Can invite employees to sign in"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.employee_id})"

    def get_absolute_url(self):
        return reverse("profiles:detail", args=[self.employee_id])

    def clean(self):
        if self.date_left and self.date_joined and self.date_left < self.date_joined:
            raise ValidationError(
                {"date_left": "The leaving date cannot be before the joining date."},
                code="left_before_joined",
            )

    def get_additional_data(self) -> dict:
        """Kept with each audit log entry: lets department limits apply to history."""
        return {"department": self.department_id, "employee": str(self.pk)}

    def reporting_loop(self) -> str:
        """Why this employee's manager cannot be their manager (it would make a loop in
        the reporting lines), or "" if they can."""
        if self.manager_id is None or self._state.adding:
            return ""  # nobody reports to a new employee yet
        if self.manager_id == self.pk:
            return "An employee cannot be their own manager."
        if self.pk in managers_above(self):
            manager = self.manager
            return (
                f"{manager.full_name} reports to {self.full_name} (directly or through "
                f"others), so cannot also be {self.full_name}'s manager."
            )
        return ""

    @property
    def may_sign_in(self) -> bool:
        """Current employees sign in; from the day after their last day, they cannot."""
        if not self.is_active:
            return False
        return self.date_left is None or self.date_left >= timezone.localdate()

    def was_employed_on(self, day) -> bool:
        """The same test as `Employee.objects.employed_on(day)`, for one employee."""
        if day < self.date_joined:
            return False
        if self.date_left is not None:
            return day <= self.date_left
        return self.is_active

    def unique_error_message(self, model_class, unique_check):
        """Name the employee who already holds a duplicate code or email."""
        if model_class is Employee and len(unique_check) == 1:
            field = unique_check[0]
            holder = (
                Employee.objects.filter(**{field: getattr(self, field)}).exclude(pk=self.pk).first()
            )
            if holder is not None and field in ("employee_id", "email"):
                label = "employee code" if field == "employee_id" else "email"
                return ValidationError(
                    "%(value)s is already the %(label)s of %(holder)s.",
                    code="unique",
                    params={"value": getattr(self, field), "label": label, "holder": holder},
                )
        return super().unique_error_message(model_class, unique_check)


def managers_above(employee: Employee) -> list[uuid.UUID]:
    """The ids of `employee`'s manager, their manager, and so on up the reporting line,
    nearest first, in one (recursive) query however long the line."""
    if employee.manager_id is None:
        return []
    table = connection.ops.quote_name(Employee._meta.db_table)
    sql = f"""
        WITH RECURSIVE line(id, manager_id, depth) AS (
            SELECT id, manager_id, 1 FROM {table} WHERE id = %s
            UNION ALL
            SELECT above.id, above.manager_id, line.depth + 1
            FROM {table} above JOIN line ON above.id = line.manager_id
            WHERE line.depth < %s
        )
        SELECT id FROM line ORDER BY depth
    """  # noqa: S608 (the table name is the model's own)
    pk = Employee._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk.get_db_prep_value(employee.manager_id, connection), MAX_LINE])
        return [pk.to_python(row[0]) for row in cursor.fetchall()]


def team_of(user_id: int) -> frozenset:
    """The primary keys of the employee whose account is `user_id` and of everyone still
    working here who reports to them, directly or through others (through someone who has
    left, too, until their reports are given a new manager): one (recursive) query however
    large the team. Empty if the account is no employee's."""
    table = connection.ops.quote_name(Employee._meta.db_table)
    sql = f"""
        WITH RECURSIVE team(id, is_active, depth) AS (
            SELECT id, is_active, 0 FROM {table} WHERE user_id = %s
            UNION ALL
            SELECT below.id, below.is_active, team.depth + 1
            FROM {table} below JOIN team ON below.manager_id = team.id
            WHERE team.depth < %s
        )
        SELECT DISTINCT id FROM team WHERE depth = 0 OR is_active = %s
    """  # noqa: S608 (the table name is the model's own)
    pk = Employee._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, MAX_LINE, True])
        return frozenset(pk.to_python(row[0]) for row in cursor.fetchall())


# No reporting line is longer; the bound ends a walk round a loop, should one get in.
MAX_LINE = 1000

# The fields a person fills in for an employee: on the pages, in a file, through the API.
EMPLOYEE_FIELDS = (
    "employee_id",
    "full_name",
    "email",
    "department",
    "job_title",
    "phone",
    "date_joined",
    "date_left",
    "manager",
)
