"""The rules of two-factor sign-in, below the pages: who may turn it off, what a code is
checked against, how wrong codes are counted."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, selectors, services
from accounts.backends import ModelBackend

pytestmark = pytest.mark.django_db


def code_for(key: str, steps_ahead: int = 0) -> str:
    return f"{totp(bytes.fromhex(key), drift=steps_ahead):06d}"


@pytest.fixture
def hana(django_user_model):
    user = django_user_model.objects.create_user("hana")
    user.groups.add(Group.objects.get(name=roles.HR_ADMIN))
    return user


def enable(user):
    key = services.two_factor_new_key()
    return services.two_factor_enable(user=user, key=key, code=code_for(key))


def test_enable_needs_the_apps_code(hana):
    key = services.two_factor_new_key()
    wrong = next(c for c in ("123456", "654321") if c not in {code_for(key, n) for n in (-1, 0, 1)})
    with pytest.raises(ValidationError, match="does not match"):
        services.two_factor_enable(user=hana, key=key, code=wrong)
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()


def test_enable_gives_ten_different_recovery_codes(hana):
    device, codes = enable(hana)
    assert len(set(codes)) == services.RECOVERY_CODE_COUNT == 10
    assert selectors.two_factor_device(hana) == device
    assert selectors.recovery_codes_left(hana) == 10


def test_enabling_again_replaces_everything(hana):
    _, old = enable(hana)
    enable(hana)
    assert TOTPDevice.objects.count() == StaticDevice.objects.count() == 1
    assert not StaticToken.objects.filter(token__in=old).exists()


class TestDisable:
    def test_refused_to_oneself_where_required(self, hana, settings):
        settings.TWO_FACTOR_REQUIRED = True
        enable(hana)
        with pytest.raises(ValidationError, match="requires two-factor sign-in"):
            services.two_factor_disable(user=hana, by=hana)
        assert selectors.two_factor_device(hana) is not None

    def test_an_administrator_may_reset_it(self, hana, settings, django_user_model):
        settings.TWO_FACTOR_REQUIRED = True
        enable(hana)
        root = django_user_model.objects.create_user("root", is_superuser=True)
        services.two_factor_disable(user=hana, by=root)
        assert selectors.two_factor_device(hana) is None
        entry = LogEntry.objects.get(actor=root)
        assert entry.object_repr == "Two-factor sign-in turned off for “hana” by “root”"

    def test_allowed_where_not_required(self, hana, settings):
        settings.TWO_FACTOR_REQUIRED = False
        enable(hana)
        services.two_factor_disable(user=hana, by=hana)
        assert not TOTPDevice.objects.exists()
        assert not StaticToken.objects.exists()


class TestVerify:
    def test_nothing_to_check_without_the_app(self, hana):
        assert services.two_factor_verify(user=hana, code="123456") == services.Verification()

    def test_digits_go_to_the_app_letters_to_the_recovery_codes(self, hana, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
        device, codes = enable(hana)
        assert services.two_factor_verify(user=hana, code=code_for(device.key, 1)).device == device
        used = services.two_factor_verify(user=hana, code=codes[0])
        assert isinstance(used.device, StaticDevice)
        assert used.recovery_codes_left == 9
        services.two_factor_verify(user=hana, code="999999x")
        device.refresh_from_db()
        assert device.throttling_failure_count == 0
        assert StaticDevice.objects.get().throttling_failure_count == 1

    def test_wrong_codes_on_either_count_together(self, hana, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
        settings.AXES_FAILURE_LIMIT = 3
        device, _ = enable(hana)
        wrong = next(
            c
            for c in ("000000", "111111")
            if c not in {code_for(device.key, n) for n in (-1, 0, 1, 2)}
        )
        first = services.two_factor_verify(user=hana, code=wrong)
        second = services.two_factor_verify(user=hana, code="aaaaaaaa")
        third = services.two_factor_verify(user=hana, code=wrong)
        assert [r.wrong_in_a_row for r in (first, second, third)] == [1, 2, 3]
        assert [r.sign_out for r in (first, second, third)] == [False, False, True]

    def test_a_wait_is_not_a_wrong_code(self, hana):
        device, _ = enable(hana)
        services.two_factor_verify(user=hana, code="abcdefgh")  # recovery device: 1 wrong
        services.two_factor_verify(user=hana, code="bcdefghi")  # ... which must wait now
        waited = services.two_factor_verify(user=hana, code="cdefghij")
        assert waited.wait_until is not None
        assert waited.wrong_in_a_row == 0
        assert StaticDevice.objects.get().throttling_failure_count == 1


def test_new_recovery_codes_need_two_factor_on(hana):
    with pytest.raises(ValidationError):
        services.recovery_codes_regenerate(user=hana)


class TestDue:
    def test_what_each_user_owes(self, hana, settings, django_user_model):
        settings.TWO_FACTOR_REQUIRED = True
        viewer = django_user_model.objects.create_user("vera")
        hana.is_verified = viewer.is_verified = lambda: False
        assert selectors.two_factor_due(hana) == selectors.ENROL
        assert selectors.two_factor_due(viewer) is None
        enable(viewer)
        assert selectors.two_factor_due(viewer) == selectors.VERIFY
        viewer.is_verified = lambda: True
        assert selectors.two_factor_due(viewer) is None
        settings.TWO_FACTOR_REQUIRED = False
        assert selectors.two_factor_due(hana) is None

    def test_no_query_for_the_signed_in_user(self, hana, settings, django_assert_num_queries):
        """The backend reads the signed-in user with what it takes: pages cost no more."""
        settings.TWO_FACTOR_REQUIRED = True
        user = ModelBackend().get_user(hana.pk)
        user.is_verified = lambda: False
        with django_assert_num_queries(0):
            assert selectors.two_factor_due(user) == selectors.ENROL
        enable(hana)
        user = ModelBackend().get_user(hana.pk)
        user.is_verified = lambda: False
        with django_assert_num_queries(0):
            assert selectors.two_factor_due(user) == selectors.VERIFY

    def test_in_one_query(self, hana, settings, django_assert_num_queries):
        settings.TWO_FACTOR_REQUIRED = True
        hana.is_verified = lambda: False
        with django_assert_num_queries(1):
            selectors.two_factor_due(hana)
