"""Sign-ins and password changes are in the audit trail, with who and from where."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles

pytestmark = pytest.mark.django_db


def events() -> list[str]:
    return list(LogEntry.objects.order_by("pk").values_list("object_repr", flat=True))


def test_a_sign_in_is_recorded_with_its_address(client):
    get_user_model().objects.create_user("ann", password="x-Pass-1234")
    client.post("/login/", {"username": "ann", "password": "x-Pass-1234"})
    entry = LogEntry.objects.get(object_repr__startswith="Signed in")
    assert entry.object_repr == "Signed in: “ann” (password)"
    assert entry.actor.username == "ann"
    assert entry.remote_addr == "127.0.0.1"


def test_a_wrong_password_is_not_a_sign_in(client):
    get_user_model().objects.create_user("ann", password="x-Pass-1234")
    client.post("/login/", {"username": "ann", "password": "wrong"})
    assert not [e for e in events() if e.startswith("Signed in")]


def test_a_password_change_is_recorded_without_the_password():
    user = get_user_model().objects.create_user("ann", password="x-Pass-1234")
    user.set_password("y-Pass-5678")
    user.save()
    changed = [e for e in events() if e.startswith("Password changed")]
    assert changed == ["Password changed: “ann”"]
    assert "y-Pass-5678" not in str(list(LogEntry.objects.values()))


def test_a_password_reset_by_an_admin_names_the_admin(client, django_user_model):
    ann = django_user_model.objects.create_user("ann", password="x-Pass-1234")
    boss = django_user_model.objects.create_superuser("boss", password="x-Pass-1234")
    client.force_login(boss)
    response = client.post(
        f"/admin/auth/user/{ann.pk}/password/",
        {"password1": "n3w-Secret-99", "password2": "n3w-Secret-99", "usable_password": "true"},
    )
    assert response.status_code == 302
    entry = LogEntry.objects.filter(object_repr="Password changed: “ann”").latest("pk")
    assert entry.actor == boss


def test_a_role_change_is_recorded(django_user_model):
    ann = django_user_model.objects.create_user("ann", password="x-Pass-1234")
    ann.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    entry = LogEntry.objects.get_for_object(ann).latest("pk")
    assert roles.HR_ADMIN in str(entry.changes)
