"""Personal API tokens: created and revoked by their user or an HR admin, shown once."""

import pytest
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


def test_revoke_own_token_only(client, jane, django_user_model):
    own, key = ApiToken.issue(user=jane, name="mine")
    other = django_user_model.objects.create_user("john")
    theirs, _ = ApiToken.issue(user=other, name="theirs")
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    client.post(f"/account/tokens/{own.pk}/revoke/")
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.revoked_at is not None
    assert theirs.revoked_at is None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/employees/").status_code == 401


def test_hr_admins_manage_everyones_tokens(client, django_user_model):
    hr = django_user_model.objects.create_user("hr")
    hr.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    jane = django_user_model.objects.create_user("jane")
    theirs, _ = ApiToken.issue(user=jane, name="jane's script")
    client.force_login(hr)
    response = client.get("/account/tokens/")
    assertContains(response, "jane&#x27;s script")
    client.post("/account/tokens/", {"name": "for jane", "user": jane.pk})
    assert ApiToken.objects.filter(user=jane, name="for jane").exists()
    client.post(f"/account/tokens/{theirs.pk}/revoke/")
    theirs.refresh_from_db()
    assert theirs.revoked_at is not None


def test_others_cannot_pick_a_user(client, jane, django_user_model):
    other = django_user_model.objects.create_user("john")
    client.post("/account/tokens/", {"name": "sneaky", "user": other.pk})
    assert ApiToken.objects.get().user == jane
