"""Two-factor sign-in, as a person meets it: setting it up, the code after the password,
recovery codes, turning it off, and what a user who owes a code can reach."""

import base64
import datetime
import re
from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, services
from accounts.views import NEW_KEY_SESSION_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-99"
VERIFY = "/account/two-factor/verify/"
ENROL = "/account/two-factor/set-up/"
MANAGE = "/account/two-factor/"
RECOVERY = "/account/two-factor/recovery-codes/"
TURN_OFF = "/account/two-factor/turn-off/"


def code_for(key_hex: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    return f"{totp(bytes.fromhex(key_hex), drift=steps_ahead):06d}"


def wrong_code_for(key_hex: str) -> str:
    """A code that is none of those accepted now (the previous, current or next step's)."""
    accepted = {code_for(key_hex, steps_ahead=n) for n in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in accepted)


def sign_in(client, user, *, next_url="/"):
    """The password step, as the sign-in form does it (django-axes included)."""
    return client.post(
        f"/login/?next={quote(next_url)}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )


def audit_texts(user) -> list[str]:
    return list(LogEntry.objects.filter(actor=user).values_list("object_repr", flat=True))


@pytest.fixture
def make_user(django_user_model):
    def make(username, *, role=None, **fields):
        user = django_user_model.objects.create_user(username, password=PASSWORD, **fields)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def hr(make_user):
    return make_user("hana", role=roles.HR_ADMIN, is_staff=True)


@pytest.fixture
def viewer(make_user):
    return make_user("vera", role=roles.VIEWER)


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def enable(user) -> tuple[TOTPDevice, list[str]]:
    """Two-factor sign-in on for `user`, as the set-up page turns it on."""
    key = services.two_factor_new_key()
    return services.two_factor_enable(user=user, key=key, code=code_for(key))


@pytest.fixture
def enrolled(hr, required):
    """An HR admin with two-factor sign-in on (required for them), and their recovery codes."""
    device, codes = enable(hr)
    return hr, device, codes


def next_code(device) -> str:
    """A code the device takes now: the one after the code last used (never the same twice)."""
    device.refresh_from_db()
    return code_for(device.key, steps_ahead=1 if device.last_t >= 0 else 0)


class TestEnrol:
    def test_shows_the_qr_code_and_the_key_to_type(self, client, viewer):
        client.force_login(viewer)
        response = client.get(ENROL)
        assert response.status_code == 200
        html = response.content.decode()
        key = client.session[NEW_KEY_SESSION_KEY]
        secret = base64.b32encode(bytes.fromhex(key)).decode()
        shown = re.search(r'<code class="secret-key"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)
        assert shown.replace(" ", "") == secret
        image = re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,([^"]+)"', html)
        svg = base64.b64decode(image.group(1)).decode()
        assert "<svg" in svg
        assert "<path" in svg
        assert '<label for="id_code">Code</label>' in html
        # The image comes from the page itself: the policy allows data: images, nothing else.
        policy = response["Content-Security-Policy"]
        assert re.search(r"img-src 'self' data:(;|$)", policy)
        assert "no-store" in response["Cache-Control"]  # the secret is on the page
        # The same secret until it is confirmed, so a reload does not break the scan.
        assert client.get(ENROL).context["secret"] == response.context["secret"]

    def test_a_code_from_the_app_turns_it_on_and_shows_ten_recovery_codes_once(
        self, client, viewer
    ):
        client.force_login(viewer)
        client.get(ENROL)
        key = client.session[NEW_KEY_SESSION_KEY]
        response = client.post(ENROL, {"code": code_for(key)})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Keep these 10 codes safe" in html
        assert "They are shown only now" in html
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
        assert len(codes) == 10
        assert sorted(codes) == sorted(
            StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True)
        )
        assert "no-store" in response["Cache-Control"]
        device = TOTPDevice.objects.get(user=viewer)
        assert device.confirmed
        assert device.key == key
        assert NEW_KEY_SESSION_KEY not in client.session
        # This session entered a code: it goes on without being asked again.
        assert client.get("/").status_code == 200
        status = client.get(MANAGE).content.decode()
        assert "Recovery codes left: <strong>10</strong>" in status
        assert not any(code in status for code in codes)  # shown once only
        assert any("turned on" in text for text in audit_texts(viewer))

    def test_the_code_that_turned_it_on_does_not_sign_in_again(self, client, viewer):
        client.force_login(viewer)
        client.get(ENROL)
        key = client.session[NEW_KEY_SESSION_KEY]
        client.post(ENROL, {"code": code_for(key)})
        assert services.two_factor_verify(user=viewer, code=code_for(key)).ok is False

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("", "Enter the code your authenticator app shows."),
            ("12a456", "Enter the 6 digits the app shows."),
            ("12345", "Enter the 6 digits the app shows."),
            ("١٢٣٤٥٦", "A code has only letters and digits."),
            ("WRONG", "That code does not match."),
        ],
    )
    def test_a_wrong_code_is_refused_with_a_message(self, client, viewer, typed, message):
        client.force_login(viewer)
        client.get(ENROL)
        key = client.session[NEW_KEY_SESSION_KEY]
        typed = wrong_code_for(key) if typed == "WRONG" else typed
        response = client.post(ENROL, {"code": typed})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'aria-invalid="true"' in response.content.decode()
        assert not TOTPDevice.objects.filter(user=viewer).exists()

    def test_spaces_in_the_code_do_not_matter(self, client, viewer):
        client.force_login(viewer)
        client.get(ENROL)
        code = code_for(client.session[NEW_KEY_SESSION_KEY])
        assert client.post(ENROL, {"code": f" {code[:3]} {code[3:]} "}).status_code == 200
        assert TOTPDevice.objects.filter(user=viewer).exists()

    def test_when_already_on_it_goes_to_the_status_page(self, client, enrolled):
        user, device, _ = enrolled
        client.force_login(user)
        client.post(VERIFY, {"code": next_code(device)})
        response = client.get(ENROL, follow=True)
        assert response.redirect_chain == [(MANAGE, 302)]
        assert "Two-factor sign-in is already on." in response.content.decode()

    def test_needs_signing_in(self, client):
        assert client.get(ENROL)["Location"] == f"/login/?next={quote(ENROL)}"


class TestSignIn:
    def test_the_code_comes_after_the_password_and_keeps_next(self, client, enrolled):
        user, device, _ = enrolled
        response = sign_in(client, user, next_url="/employees/?q=ada")
        assert response["Location"] == "/employees/?q=ada"
        # Signed in, not verified: every page leads to the code, keeping where it went.
        response = client.get("/employees/?q=ada")
        assert response["Location"] == f"{VERIFY}?next=/employees/%3Fq%3Dada"
        page = client.get(response["Location"])
        html = page.content.decode()
        assert page.status_code == 200
        assert "Enter your code" in html
        assert '<label for="id_code">Code</label>' in html
        assert 'name="next" value="/employees/?q=ada"' in html
        assert "Dashboard" not in html  # no navigation until the code is in
        assert 'action="/logout/"' in html
        response = client.post(VERIFY, {"code": next_code(device), "next": "/employees/?q=ada"})
        assert response["Location"] == "/employees/?q=ada"
        assert client.get("/employees/?q=ada").status_code == 200
        assert client.get(VERIFY)["Location"] == "/"  # nothing more to enter

    def test_a_next_to_another_site_is_not_followed(self, client, enrolled):
        user, device, _ = enrolled
        sign_in(client, user)
        response = client.post(VERIFY, {"code": next_code(device), "next": "https://evil.test/"})
        assert response["Location"] == "/"

    def test_the_session_id_changes_once_the_code_is_in(self, client, enrolled):
        user, device, _ = enrolled
        sign_in(client, user)
        before = client.session.session_key
        client.post(VERIFY, {"code": next_code(device)})
        assert client.session.session_key != before

    @pytest.mark.parametrize(
        "url", ["/", "/employees/", "/account/tokens/", MANAGE, RECOVERY, TURN_OFF, ENROL]
    )
    def test_every_page_waits_for_the_code(self, client, enrolled, url):
        sign_in(client, enrolled[0])
        assert client.get(url)["Location"].startswith(f"{VERIFY}?next=")
        assert client.post(url)["Location"].startswith(f"{VERIFY}?next=")

    def test_signing_out_health_checks_static_files_and_the_api_stay_reachable(
        self, client, enrolled
    ):
        sign_in(client, enrolled[0])
        assert client.get("/healthz").status_code == 200
        static = client.get("/static/css/app.css")
        assert static.status_code == 200
        # Read to the end, which closes the file (closing it by hand would also close the
        # test's database connection on PostgreSQL: Django's request_finished signal).
        assert b"".join(static.streaming_content)
        # The JSON API takes this session as not signed in (its tokens are not affected).
        assert client.get("/api/employees").status_code == 401
        assert client.post("/logout/")["Location"] == "/login/"
        assert client.get("/")["Location"] == "/login/?next=/"

    def test_an_htmx_request_sends_the_whole_page_to_the_code(self, client, enrolled):
        sign_in(client, enrolled[0])
        response = client.get(
            "/employees/?page=2",
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/employees/"},
        )
        assert response["HX-Redirect"] == f"{VERIFY}?next=/employees/"

    def test_a_wrong_code_is_refused_with_a_message_and_audited(self, client, enrolled):
        user, device, _ = enrolled
        sign_in(client, user)
        response = client.post(VERIFY, {"code": wrong_code_for(device.key)})
        assert response.status_code == 400
        html = response.content.decode()
        assert "That code is not right." in html
        assert "4 more wrong codes and you are signed out." in html
        assert client.get("/")["Location"].startswith(VERIFY)
        entry = LogEntry.objects.get(object_repr__startswith="Wrong two-factor code")
        assert (entry.actor, entry.remote_addr) == (user, "127.0.0.1")
        assert entry.object_repr == "Wrong two-factor code for “hana” (1 in a row)"
        assert entry.content_type.model == "user"

    @pytest.mark.parametrize("typed", ["", "x" * 40, "١٢٣٤٥٦", "12-34-56!", "\t"])
    def test_odd_input_is_a_form_error_never_a_500(self, client, enrolled, settings, typed):
        settings.DEBUG = False
        sign_in(client, enrolled[0])
        response = client.post(VERIFY, {"code": typed})
        assert response.status_code == 400
        assert 'class="errorlist' in response.content.decode()

    def test_a_wrong_code_makes_the_next_try_wait(self, client, enrolled):
        user, device, _ = enrolled
        sign_in(client, user)
        client.post(VERIFY, {"code": wrong_code_for(device.key)})
        # Even the right code is refused during the wait (django-otp's throttling)...
        response = client.post(VERIFY, {"code": next_code(device)})
        assert response.status_code == 400
        assert "Too many wrong codes. Wait 1 second, then try again." in response.content.decode()
        assert client.get("/")["Location"].startswith(VERIFY)
        # ... and taken once it is over.
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=2)
        )
        assert client.post(VERIFY, {"code": next_code(device)})["Location"] == "/"
        device.refresh_from_db()
        assert device.throttling_failure_count == 0

    def test_too_many_wrong_codes_sign_the_user_out(self, client, enrolled, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between tries, to reach the limit
        user, device, _ = enrolled
        sign_in(client, user, next_url="/employees/")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = client.post(VERIFY, {"code": wrong_code_for(device.key)})
            assert response.status_code == 400
        assert "1 more wrong code and you are signed out." in response.content.decode()
        response = client.post(
            VERIFY, {"code": wrong_code_for(device.key), "next": "/employees/"}, follow=True
        )
        assert response.redirect_chain[0] == ("/login/?next=/employees/", 302)
        html = response.content.decode()
        assert "You have been signed out after 5 wrong codes in a row." in html
        assert not response.context["user"].is_authenticated
        assert client.get("/employees/")["Location"] == "/login/?next=/employees/"
        assert f"Signed out “hana” after {settings.AXES_FAILURE_LIMIT} wrong" in " ".join(
            audit_texts(user)
        )
        # Back to the password (django-axes guards it), then the code again.
        sign_in(client, user)
        assert client.get("/")["Location"].startswith(VERIFY)
        assert client.post(VERIFY, {"code": next_code(device)})["Location"] == "/"

    def test_the_count_goes_on_when_signing_in_again(self, client, enrolled, settings):
        """Signing in again does not buy fresh tries: the count is the device's."""
        settings.OTP_TOTP_THROTTLE_FACTOR = 0
        user, device, _ = enrolled
        sign_in(client, user)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(VERIFY, {"code": wrong_code_for(device.key)})
        sign_in(client, user)
        response = client.post(VERIFY, {"code": wrong_code_for(device.key)})
        assert response["Location"] == "/login/?next=/"

    def test_a_recovery_code_works_once(self, client, enrolled):
        user, _, codes = enrolled
        sign_in(client, user)
        typed = f"{codes[0][:4].upper()}-{codes[0][4:].upper()}"  # as someone might copy it
        response = client.post(VERIFY, {"code": typed}, follow=True)
        assert response.redirect_chain == [("/", 302)]
        assert "You used a recovery code: it will not work again. 9 left." in (
            response.content.decode()
        )
        assert "Recovery code used by “hana” (9 left)" in audit_texts(user)
        client.post("/logout/")
        sign_in(client, user)
        response = client.post(VERIFY, {"code": codes[0]})
        assert response.status_code == 400
        assert "That code is not right." in response.content.decode()
        assert client.get("/")["Location"].startswith(VERIFY)

    def test_a_right_code_ends_the_run_of_wrong_ones(self, client, enrolled, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
        user, device, codes = enrolled
        sign_in(client, user)
        client.post(VERIFY, {"code": "zzzzzzzz"})  # a wrong recovery code
        client.post(VERIFY, {"code": wrong_code_for(device.key)})
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        assert client.post(VERIFY, {"code": codes[1]})["Location"] == "/"
        device.refresh_from_db()
        assert device.throttling_failure_count == 0
        assert user.staticdevice_set.get().throttling_failure_count == 0

    def test_without_two_factor_the_password_is_enough(self, client, viewer):
        assert sign_in(client, viewer)["Location"] == "/"
        assert client.get("/").status_code == 200
        assert client.get(VERIFY)["Location"] == "/"

    def test_it_works_with_debug_off(self, client, enrolled, settings):
        settings.DEBUG = False
        user, device, _ = enrolled
        sign_in(client, user, next_url="/employees/")
        assert client.get("/employees/")["Location"].startswith(VERIFY)
        assert client.post(VERIFY, {"code": "000"}).status_code == 400
        response = client.post(VERIFY, {"code": next_code(device), "next": "/employees/"})
        assert response["Location"] == "/employees/"
        assert client.get("/employees/").status_code == 200


class TestRequired:
    @pytest.mark.parametrize("url", ["/", "/employees/", MANAGE, "/admin/", "/admin/login/"])
    def test_an_hr_admin_without_it_sets_it_up_first(self, client, hr, required, url):
        client.force_login(hr)
        response = client.get(url)
        assert response["Location"] == f"{ENROL}?next={url}"

    def test_the_set_up_page_says_why_and_leads_on(self, client, hr, required):
        client.force_login(hr)
        page = client.get(f"{ENROL}?next=/employees/")
        html = page.content.decode()
        assert "Your role requires two-factor sign-in" in html
        assert "Dashboard" not in html
        assert 'action="/logout/"' in html
        key = client.session[NEW_KEY_SESSION_KEY]
        done = client.post(ENROL, {"code": code_for(key), "next": "/employees/"})
        assert 'href="/employees/"' in done.content.decode()
        assert client.get("/employees/").status_code == 200

    def test_a_superuser_too(self, client, make_user, required):
        client.force_login(make_user("root", is_superuser=True, is_staff=True))
        assert client.get("/")["Location"].startswith(ENROL)

    def test_others_may_go_on_without_it(self, client, viewer, required):
        client.force_login(viewer)
        assert client.get("/").status_code == 200

    def test_not_when_the_setting_is_off(self, client, hr, settings):
        settings.TWO_FACTOR_REQUIRED = False
        client.force_login(hr)
        assert client.get("/").status_code == 200
        assert client.get("/admin/").status_code == 200


class TestAdmin:
    def test_the_site_refuses_anyone_who_owes_a_second_factor(self, hr):
        request = RequestFactory().get("/admin/")
        request.user = hr
        assert admin.site.has_permission(request)
        request.two_factor_due = "enrol"
        assert not admin.site.has_permission(request)

    def test_an_unverified_staff_user_cannot_use_it(self, client, enrolled):
        user, device, _ = enrolled
        sign_in(client, user)
        for url in ("/admin/", "/admin/auth/user/", "/admin/login/"):
            assert client.get(url)["Location"].startswith(f"{VERIFY}?next=/admin/")
        client.post(VERIFY, {"code": next_code(device)})
        assert client.get("/admin/").status_code == 200

    def test_an_administrator_resets_a_lost_phone(self, client, make_user, viewer):
        enable(viewer)
        root = make_user("root", is_superuser=True, is_staff=True)
        client.force_login(root)
        device = TOTPDevice.objects.get(user=viewer)
        listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
        assert "vera" in listing
        assert device.key not in listing
        assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
        client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
        assert not TOTPDevice.objects.filter(user=viewer).exists()
        assert not StaticToken.objects.filter(device__user=viewer).exists()
        assert "Two-factor sign-in turned off for “vera” by “root”" in audit_texts(root)

    def test_not_ones_own_where_it_is_required(self, client, make_user, required):
        root = make_user("root", is_superuser=True, is_staff=True)
        device, _ = enable(root)
        client.force_login(root)
        client.post(VERIFY, {"code": next_code(device)})
        url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert TOTPDevice.objects.filter(user=root).exists()


class TestRecoveryCodes:
    def test_asks_first(self, client, enrolled):
        user, device, codes = enrolled
        client.force_login(user)
        client.post(VERIFY, {"code": next_code(device)})
        response = client.get(RECOVERY)
        html = response.content.decode()
        assert "Make new recovery codes?" in html
        assert "The 10 codes you have now stop working." in html
        assert 'method="post" action="/account/two-factor/recovery-codes/"' in html
        assert StaticToken.objects.filter(device__user=user).count() == 10

    def test_new_codes_replace_the_old_ones(self, client, enrolled):
        user, device, old = enrolled
        client.force_login(user)
        client.post(VERIFY, {"code": next_code(device)})
        response = client.post(RECOVERY)
        html = response.content.decode()
        new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", html)
        assert len(new) == 10
        assert not set(new) & set(old)
        assert "The codes you had before no longer work." in html
        assert "no-store" in response["Cache-Control"]
        assert services.two_factor_verify(user=user, code=old[0]).ok is False
        TOTPDevice.objects.update(throttling_failure_count=0)
        user.staticdevice_set.update(throttling_failure_count=0)
        assert services.two_factor_verify(user=user, code=new[0]).ok is True
        assert any(text.startswith("Recovery codes made again") for text in audit_texts(user))

    def test_signed_in_with_a_recovery_code_one_stays_signed_in(self, client, enrolled):
        user, _, codes = enrolled
        sign_in(client, user)
        client.post(VERIFY, {"code": codes[0]})
        client.post(RECOVERY)
        assert client.get(MANAGE).status_code == 200

    def test_none_without_two_factor(self, client, viewer):
        client.force_login(viewer)
        assert client.get(RECOVERY)["Location"] == MANAGE
        assert client.post(RECOVERY)["Location"] == MANAGE
        assert not StaticToken.objects.exists()


class TestTurnOff:
    def test_needs_the_password(self, client, viewer):
        device, _ = enable(viewer)
        client.force_login(viewer)
        client.post(VERIFY, {"code": next_code(device)})
        page = client.get(TURN_OFF).content.decode()
        assert '<label for="id_password">Your password</label>' in page
        response = client.post(TURN_OFF, {"password": "not it"})
        assert response.status_code == 400
        assert "That is not your password." in response.content.decode()
        assert TOTPDevice.objects.filter(user=viewer).exists()
        response = client.post(TURN_OFF, {"password": PASSWORD}, follow=True)
        assert response.redirect_chain == [(MANAGE, 302)]
        assert "Two-factor sign-in is off." in response.content.decode()
        assert not TOTPDevice.objects.filter(user=viewer).exists()
        assert not StaticToken.objects.filter(device__user=viewer).exists()
        assert "Two-factor sign-in turned off for “vera”" in audit_texts(viewer)
        client.post("/logout/")
        assert sign_in(client, viewer)["Location"] == "/"
        assert client.get("/").status_code == 200

    def test_refused_where_it_is_required(self, client, enrolled):
        user, device, _ = enrolled
        client.force_login(user)
        client.post(VERIFY, {"code": next_code(device)})
        assert "Turn off" not in client.get(MANAGE).content.decode()
        page = client.get(TURN_OFF).content.decode()
        assert "Your role requires two-factor sign-in, so it cannot be turned off." in page
        assert 'name="password"' not in page
        response = client.post(TURN_OFF, {"password": PASSWORD}, follow=True)
        assert response.redirect_chain == [(MANAGE, 302)]
        assert "cannot be turned off" in response.content.decode()
        assert TOTPDevice.objects.filter(user=user).exists()

    def test_nothing_to_turn_off(self, client, viewer):
        client.force_login(viewer)
        assert client.post(TURN_OFF, {"password": PASSWORD})["Location"] == MANAGE


class TestStatusPage:
    def test_off_offers_to_set_it_up_from_the_account_menu(self, client, viewer):
        client.force_login(viewer)
        home = client.get("/").content.decode()
        assert f'<a href="{MANAGE}">Two-factor sign-in</a>' in home
        html = client.get(MANAGE).content.decode()
        assert "Off" in html
        assert f'href="{ENROL}"' in html

    def test_on_says_so(self, client, viewer):
        device, _ = enable(viewer)
        client.force_login(viewer)
        client.post(VERIFY, {"code": next_code(device)})
        html = client.get(MANAGE).content.decode()
        assert "Recovery codes left: <strong>10</strong>" in html
        assert f'href="{RECOVERY}"' in html
        assert f'href="{TURN_OFF}"' in html

    def test_it_only_shows(self, client, viewer):
        client.force_login(viewer)
        assert client.post(MANAGE).status_code == 405
