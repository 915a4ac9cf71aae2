"""Employees as users: invitations to sign in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.audit import log_bulk, log_event, snapshot
from core.db import batched
from employees.models import Employee

from .tokens import invitation_tokens


@transaction.atomic
def invitation_send(*, employee: Employee, by, site_url: str, connection=None) -> None:
    """Give `employee` an account (if they have none yet) and email them a link to set its
    password. Refused for someone who no longer works here, or already signs in.
    `connection`: an open mail connection, for many invitations in a row."""
    if not employee.may_sign_in:
        raise ValidationError(
            f"{employee.full_name} no longer works here: only current employees are invited.",
            code="not_employed",
        )
    user = employee.user
    if user is not None and user.has_usable_password():
        raise ValidationError(
            f"{employee.full_name} already signs in (as {user.get_username()}).",
            code="already_signed_up",
        )
    if user is None:
        user = _new_account(employee)
        employee.user = user
        employee.save(update_fields=["user", "updated_at"])
    _email_invitation(employee, user, site_url, connection)
    log_event(model=Employee, what=f"Invited {employee} to sign in ({employee.email})", actor=by)


def _email_invitation(employee: Employee, user, site_url: str, connection=None) -> None:
    link = site_url.rstrip("/") + reverse(
        "people:accept",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)],
    )
    context = {"employee": employee, "user": user, "link": link, "days": _link_days()}
    send_mail(
        subject="You are invited to HRMS Lite",
        message=render_to_string("people/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[employee.email],
        connection=connection,
    )


def _new_account(employee: Employee):
    """An account named by the employee's email, with no password until they set one."""
    User = get_user_model()
    username = employee.email
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            f"An account named {username} already exists. Link it to {employee.full_name} "
            "in the admin, or change the employee's email.",
            code="username_taken",
        )
    first, _, last = employee.full_name.partition(" ")
    user = User(
        username=username, email=employee.email, first_name=first[:150], last_name=last[:150]
    )
    user.set_unusable_password()
    user.save()
    return user


def _link_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


# Invitations written per transaction by `invitations_send_many`.
INVITATIONS_PER_BATCH = 500


def invitations_send_many(
    *, employees: list[Employee], by, site_url: str, connection=None, progress=None
) -> tuple[int, list[tuple[Employee, str]]]:
    """Invite many employees (current ones, without a password yet): their accounts are
    made and linked a batch at a time (a few queries per batch, not per person), then each
    gets their email. Returns how many were sent, and who was skipped and why."""
    User = get_user_model()
    skipped, sent, done = [], 0, 0
    for batch in batched(employees, INVITATIONS_PER_BATCH):
        taken = {
            name.lower()
            for name in User.objects.filter(
                username__in=[e.email for e in batch if e.user_id is None]
            ).values_list("username", flat=True)
        }
        ready, new_users, changed = [], [], []
        for employee in batch:
            if not employee.may_sign_in:
                skipped.append((employee, "No longer works here."))
            elif employee.user_id is not None and employee.user.has_usable_password():
                skipped.append((employee, f"Already signs in (as {employee.user.username})."))
            elif employee.user_id is None and employee.email.lower() in taken:
                skipped.append((employee, f"An account named {employee.email} already exists."))
            else:
                if employee.user_id is None:
                    first, _, last = employee.full_name.partition(" ")
                    user = User(
                        username=employee.email,
                        email=employee.email,
                        first_name=first[:150],
                        last_name=last[:150],
                    )
                    user.set_unusable_password()
                    new_users.append((employee, user))
                ready.append(employee)
        with transaction.atomic():
            User.objects.bulk_create([user for _, user in new_users])
            for employee, user in new_users:
                before = snapshot(employee)
                employee.user = user
                changed.append((before, employee))
            Employee.objects.bulk_update([e for _, e in changed], ["user"])
            log_bulk(changed, actor=by)
            if ready:
                log_event(
                    model=Employee,
                    what=f"Invited {len(ready):,} employees to sign in",
                    actor=by,
                )
        for employee in ready:
            _email_invitation(employee, employee.user, site_url, connection)
            sent += 1
        done += len(batch)
        if progress is not None:
            progress(done, len(employees))
    return sent, skipped
