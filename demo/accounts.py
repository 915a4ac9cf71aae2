"""The demo's employee accounts."""

from employees.models import Employee


def employee_account(person: Employee):
    """`person`'s account (role Employee, named by their email), made once: no password
    and no email address until `demo.data.demo_accounts` gives them theirs, so the demo's
    own requests email nobody."""
    if person.user is None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from accounts.roles import EMPLOYEE

        person.user = get_user_model().objects.create_user(person.email)
        person.user.groups.add(Group.objects.get(name=EMPLOYEE))
        person.save(update_fields=["user"])
    return person.user
