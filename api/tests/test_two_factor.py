"""Two-factor sign-in and the JSON API: tokens work as always; a browser session works only
once its code is in (else the API would be a way round the code)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import totp

from accounts import roles, services
from api.models import ApiToken

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-99"


@pytest.fixture
def hana(django_user_model, settings):
    settings.TWO_FACTOR_REQUIRED = True
    user = django_user_model.objects.create_user("hana", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    key = services.two_factor_new_key()
    device, _ = services.two_factor_enable(
        user=user, key=key, code=f"{totp(bytes.fromhex(key)):06d}"
    )
    return user, device


def test_a_token_needs_no_code(hana):
    _, key = ApiToken.issue(user=hana[0], name="payroll")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/employees/").status_code == 200


def test_a_browser_session_needs_its_code_first(client, hana):
    user, device = hana
    client.post("/login/", {"username": "hana", "password": PASSWORD})
    assert client.get("/api/employees/").status_code == 401
    next_code = f"{totp(bytes.fromhex(device.key), drift=1):06d}"
    assert client.post("/account/two-factor/verify/", {"code": next_code}).status_code == 302
    assert client.get("/api/employees/").status_code == 200
