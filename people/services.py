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

from core.audit import log_event
from employees.models import Employee

from .tokens import invitation_tokens


@transaction.atomic
def invitation_send(*, employee: Employee, by, site_url: str) -> None:
    """Give `employee` an account (if they have none yet) and email them a link to set its
    password. Refused for someone who no longer works here, or already signs in."""
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
    )
    log_event(model=Employee, what=f"Invited {employee} to sign in ({employee.email})", actor=by)


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
