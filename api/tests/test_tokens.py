"""Personal API tokens: created and revoked by their user or an HR admin, shown once."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from accounts import roles
from api.models import ApiToken, hash_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def jane(client, django_user_model):
    user = django_user_model.objects.create_user("jane", password="x-Pass-1234")
    user.groups.add(Group.objects.get(name=roles.VIEWER))
    client.force_login(user)
    return user


def test_create_shows_the_key_once_and_keeps_only_its_hash(client, jane):
    response = client.post("/account/tokens/", {"name": "payroll export"})
    key = response.context["new_key"]
    assert key.startswith("hrms_")
    assertContains(response, key)
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.key_hash) == (jane, "payroll export", hash_key(key))
    assert key not in str(ApiToken.objects.values().get())
    again = client.get("/account/tokens/")
    assertNotContains(again, key)
    assertContains(again, token.prefix)
    # The key works, as Jane, with Jane's (read-only) role.
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/employees/").status_code == 200


def test_a_name_is_needed(client, jane):
    response = client.post("/account/tokens/", {"name": "  "})
    assertContains(response, "Say what the token is for", status_code=400)
    assert not ApiToken.objects.exists()


def revoke(client, token) -> int:
    """Ask to revoke `token`: the answer's status code; the token is reloaded."""
    status = client.post(f"/account/tokens/{token.pk}/revoke/").status_code
    token.refresh_from_db()
    return status


def test_revoke_own_token_only(client, jane, django_user_model):
    own, key = ApiToken.issue(user=jane, name="mine")
    other = django_user_model.objects.create_user("john")
    theirs, _ = ApiToken.issue(user=other, name="theirs")
    assert revoke(client, theirs) == 404
    assert theirs.revoked_at is None
    assert revoke(client, own) == 302
    assert own.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/employees/").status_code == 401


def test_hr_admins_see_and_revoke_others_tokens_but_create_only_their_own(
    client, django_user_model
):
    hr = django_user_model.objects.create_user("hr")
    hr.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    jane = django_user_model.objects.create_user("jane")
    boss = django_user_model.objects.create_superuser("boss")
    theirs, _ = ApiToken.issue(user=jane, name="jane's script")
    bosses, _ = ApiToken.issue(user=boss, name="boss's script")
    client.force_login(hr)
    response = client.get("/account/tokens/")
    assertContains(response, "jane&#x27;s script")
    assertNotContains(response, "boss&#x27;s script")
    assert "user" not in response.context["form"].fields
    client.post("/account/tokens/", {"name": "for jane", "user": jane.pk})
    assert ApiToken.objects.get(name="for jane").user == hr
    assert revoke(client, bosses) == 404
    assert bosses.revoked_at is None
    assert revoke(client, theirs) == 302
    assert theirs.revoked_at is not None


def test_a_department_limited_hr_admin_manages_only_their_own(
    client, limited_hr, django_user_model
):
    boss = django_user_model.objects.create_superuser("boss")
    bosses, _ = ApiToken.issue(user=boss, name="boss's script")
    client.force_login(limited_hr.user)
    response = client.post("/account/tokens/", {"name": "escalate", "user": boss.pk})
    assert ApiToken.objects.get(name="escalate").user == limited_hr.user
    assertNotContains(response, "boss&#x27;s script")
    assert revoke(client, bosses) == 404
    assert bosses.revoked_at is None


def test_a_superuser_creates_a_token_for_someone_else_and_is_recorded_as_doing_it(
    client, django_user_model
):
    boss = django_user_model.objects.create_superuser("boss")
    jane = django_user_model.objects.create_user("jane")
    client.force_login(boss)
    client.post("/account/tokens/", {"name": "for jane", "user": jane.pk})
    token = ApiToken.objects.get(name="for jane")
    assert token.user == jane
    entry = LogEntry.objects.get_for_object(token).get()
    assert entry.actor == boss


def test_a_token_has_its_users_current_powers_at_every_request(django_user_model, limited_hr):
    from employees.tests.factories import EmployeeFactory

    EmployeeFactory(employee_id="IN1", department=limited_hr.inside)
    EmployeeFactory(employee_id="OUT1", department=limited_hr.outside)
    _, key = ApiToken.issue(user=limited_hr.user, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    codes = [e["employee_id"] for e in api.get("/api/employees/").json()]
    assert codes == ["IN1"]  # only their department, as on the pages
    new = {"employee_id": "N1", "full_name": "N", "email": "n@example.com", "department": "Inside"}
    assert api.post("/api/employees/", new, content_type="application/json").status_code == 201
    limited_hr.user.groups.set([Group.objects.get(name=roles.VIEWER)])  # demoted
    new.update(employee_id="N2", email="n2@example.com")
    assert api.post("/api/employees/", new, content_type="application/json").status_code == 403
    limited_hr.user.is_active = False
    limited_hr.user.save()
    assert api.get("/api/employees/").status_code == 401


def test_others_cannot_pick_a_user(client, jane, django_user_model):
    other = django_user_model.objects.create_user("john")
    client.post("/account/tokens/", {"name": "sneaky", "user": other.pk})
    assert ApiToken.objects.get().user == jane
