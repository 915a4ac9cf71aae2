"""Employees as users: invitations to sign in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import roles
from core.audit import log_bulk, log_event, snapshot
from core.db import batched
from employees.models import Employee

from .tokens import invitation_tokens


def invitation_send(*, employee: Employee, by, site_url: str) -> None:
    """Give `employee` an account (if they have none yet) and email them a link to set its
    password. Refused, saying why, for someone who no longer works here, already signs
    in, or whose email names someone else's account."""
    _, skipped = invitations_send_many(employees=[employee], by=by, site_url=site_url)
    if skipped:
        raise ValidationError(skipped[0][1], code="not_invited")


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


def _unsaved_account(employee: Employee):
    """An account named by the employee's email, with no password until they set one."""
    first, _, last = employee.full_name.partition(" ")
    user = get_user_model()(
        username=employee.email,
        email=employee.email,
        first_name=first[:150],
        last_name=last[:150],
    )
    user.set_unusable_password()
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
        emails = [e.email for e in batch if e.user_id is None]
        taken = {
            name.lower()
            for name in User.objects.filter(username__in=emails).values_list("username", flat=True)
        }
        ready, new_users, changed = [], [], []
        for employee in batch:
            if why := _not_invited_because(employee, taken):
                skipped.append((employee, why))
                continue
            if employee.user_id is None:
                new_users.append((employee, _unsaved_account(employee)))
            ready.append(employee)
        with transaction.atomic():
            User.objects.bulk_create([user for _, user in new_users])
            _give_employee_role([user for _, user in new_users])
            for employee, user in new_users:
                before = snapshot(employee)
                employee.user = user
                changed.append((before, employee))
            Employee.objects.bulk_update([e for _, e in changed], ["user"])
            log_bulk(changed, actor=by)
            if ready:
                who = (
                    f"{ready[0]} ({ready[0].email})"
                    if len(ready) == 1
                    else f"{len(ready):,} employees"
                )
                log_event(
                    model=Employee,
                    what=f"Invited {who} to sign in (role: {roles.EMPLOYEE})",
                    actor=by,
                )
        for employee in ready:
            _email_invitation(employee, employee.user, site_url, connection)
            sent += 1
        done += len(batch)
        if progress is not None:
            progress(done, len(employees))
    return sent, skipped


def _give_employee_role(users) -> None:
    """New accounts get the Employee role: they see their own team and nothing else."""
    if not users:
        return
    User = get_user_model()
    role = Group.objects.get(name=roles.EMPLOYEE)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=role.pk) for user in users]
    )


def _not_invited_because(employee: Employee, taken: set[str]) -> str:
    """Why `employee` cannot be invited ("" if they can); `taken`: account names in use."""
    if not employee.may_sign_in:
        return f"{employee.full_name} no longer works here: only current employees are invited."
    if employee.user_id is not None and employee.user.has_usable_password():
        return f"{employee.full_name} already signs in (as {employee.user.get_username()})."
    if employee.user_id is None and employee.email.lower() in taken:
        return (
            f"An account named {employee.email} already exists: change {employee.full_name}'s "
            "email, or have an administrator rename that account, then invite again."
        )
    return ""
