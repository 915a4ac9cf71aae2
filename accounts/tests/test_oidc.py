"""Single sign-on with OpenID Connect, against a real provider.

The provider (django-oauth-toolkit, accounts/tests/oidc_provider/) runs in a process of
its own for the whole session. Each test goes where a browser would: our start page sends
it to the provider's authorize page, a requests session signed in to the provider follows
that and is sent back with a code, and our callback (the test client) checks the code with
the provider's token, JWKS and userinfo endpoints, over real HTTP.
"""

import json
import os
import select
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessLog
from django.conf import settings as django_settings
from django.contrib.auth.signals import user_logged_in
from django.urls import reverse

from accounts.oidc import forget_discovery

pytestmark = pytest.mark.django_db

CLIENT_ID = "hrms-lite"
CLIENT_SECRET = "the-client-secret-of-the-tests"
CALLBACK = "http://testserver/oidc/callback/"
PROVIDER_PASSWORD = "provider-Pass-123"
# The provider's users: (user name there, email, whether the provider verified it).
PROVIDER_USERS = [
    ("pat", "Pat.Jones@Example.COM", True),
    ("stranger", "stranger@example.com", True),
    ("kim", "kim@example.com", False),
    ("leaver", "leaver@example.com", True),
    ("twin", "twin@example.com", True),
]


@dataclass(frozen=True)
class Provider:
    url: str

    def signed_in(self, username: str) -> requests.Session:
        """A browser signed in to the provider as `username`."""
        browser = requests.Session()
        browser.get(f"{self.url}/login/", timeout=10).raise_for_status()
        answer = browser.post(
            f"{self.url}/login/",
            data={
                "username": username,
                "password": PROVIDER_PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        return browser


@pytest.fixture(scope="session")
def provider(tmp_path_factory):
    """The provider, started once for the session on a free port, and stopped after."""
    setup = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": CALLBACK,
        "password": PROVIDER_PASSWORD,
        "users": [
            {"username": name, "email": email, "verified": verified}
            for name, email, verified in PROVIDER_USERS
        ],
    }
    database = tmp_path_factory.mktemp("oidc-provider") / "provider.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "accounts.tests.oidc_provider.serve", json.dumps(setup)],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "OIDC_PROVIDER_DB": str(database)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        assert line.startswith("listening on "), f"the test provider did not start: {line!r}"
        yield Provider(url=f"http://127.0.0.1:{int(line.split()[-1])}")
    finally:
        process.stdin.close()  # it stops when its input closes
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def endpoints(url: str) -> dict:
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{url}/o/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{url}/o/token/",
        "OIDC_OP_USER_ENDPOINT": f"{url}/o/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{url}/o/.well-known/jwks.json",
    }


def turn_on(settings, url: str) -> None:
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Acme ID"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_DISCOVERY_URL = ""
    for name, value in endpoints(url).items():
        setattr(settings, name, value)


@pytest.fixture
def sso(settings, provider):
    """Single sign-on set up with the test provider's endpoints."""
    turn_on(settings, provider.url)
    return provider


@pytest.fixture
def sign_ins():
    """The users `user_logged_in` is sent for, in order."""
    seen = []

    def note(sender, request, user, **kwargs):
        seen.append(user)

    user_logged_in.connect(note)
    yield seen
    user_logged_in.disconnect(note)


def start(client, provider, next_url=None):
    """Press "Sign in with Acme ID": the redirect to the provider's authorize page."""
    response = client.get(reverse("oidc:authenticate"), {"next": next_url} if next_url else {})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider.url}/o/authorize/?")
    return response["Location"]


def sign_in_with_provider(client, provider, username, next_url=None):
    """The whole round: start here, sign in there, come back with the code."""
    authorize = provider.signed_in(username).get(
        start(client, provider, next_url), allow_redirects=False, timeout=10
    )
    assert authorize.status_code == 302, authorize.text[:500]
    back = authorize.headers["Location"]
    assert back.startswith(f"{CALLBACK}?"), back
    return client.get(back)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def messages_on_sign_in_page(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def audit_entries():
    """The events in the audit trail (not the changes, such as the accounts made here)."""
    events = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk")
    return list(events.values_list("object_repr", flat=True))


class TestSignInPage:
    def test_no_button_when_single_sign_on_is_off(self, client):
        page = client.get(reverse("login")).content.decode()
        assert "Sign in with" not in page
        assert "/oidc/" not in page

    def test_a_plain_link_beside_the_password_form(self, client, settings):
        turn_on(settings, "https://id.example.com")
        page = client.get(reverse("login"), {"next": "/employees/?q=a b"}).content.decode()
        assert (
            '<a class="button block" href="/oidc/authenticate/?next=/employees/%3Fq%3Da%20b">'
            "Sign in with Acme ID</a>"
        ) in page
        assert 'name="password"' in page  # the password form is still there


class TestWhenOff:
    @pytest.mark.parametrize("name", ["oidc:authenticate", "oidc:callback"])
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_its_addresses_do_not_exist(self, client, django_user_model, name, method):
        url = reverse(name)
        assert getattr(client, method)(url).status_code == 404
        client.force_login(django_user_model.objects.create_user("pat"))
        assert getattr(client, method)(url).status_code == 404

    def test_a_code_sent_to_the_password_form_is_ignored(self, client, django_user_model, settings):
        """With single sign-on on, a password sign-in whose address carries a code and state
        is a password sign-in: the OIDC backend does not take it up."""
        turn_on(settings, "http://127.0.0.1:9")  # nothing answers there
        django_user_model.objects.create_user("pat", password="a-Long-pass-99")
        response = client.post(
            f"{reverse('login')}?code=abc&state=def",
            {"username": "pat", "password": "a-Long-pass-99"},
        )
        assert response.status_code == 302
        assert client.session["_auth_user_backend"] == "accounts.backends.ModelBackend"


class TestOnlyGet:
    @pytest.mark.parametrize("name", ["oidc:authenticate", "oidc:callback"])
    def test_post_is_not_allowed(self, client, settings, name):
        turn_on(settings, "https://id.example.com")
        assert client.post(reverse(name)).status_code == 405


class TestSignIn:
    def test_a_verified_email_signs_in_whatever_its_case(
        self, client, sso, django_user_model, sign_ins, settings
    ):
        pat = django_user_model.objects.create_user("pat", email="pat.jones@example.com")
        response = sign_in_with_provider(client, sso, "pat", next_url="/employees/")
        assert (response.status_code, response["Location"]) == (302, "/employees/")
        assert signed_in_user_id(client) == str(pat.pk)
        assert client.session["_auth_user_backend"] == "accounts.oidc.OIDCBackend"
        # Signed in like a password sign-in: user_logged_in, the idle timeout's clock,
        # django-axes' log of sign-ins.
        assert sign_ins == [pat]
        assert "active_period" in client.session
        assert client.session.get_expiry_age() == settings.SESSION_IDLE_TIMEOUT
        assert AccessLog.objects.filter(username="pat").count() == 1
        # Signed in from then on, and in the audit trail.
        assert client.get(reverse("login"))["Location"] == settings.LOGIN_REDIRECT_URL
        entry = LogEntry.objects.get(object_repr__startswith="Signed in with")
        assert entry.object_repr == "Signed in with Acme ID: pat.jones@example.com"
        assert entry.actor == pat
        assert entry.remote_addr == "127.0.0.1"
        assert entry.content_type.model_class() is django_user_model

    def test_without_next_it_goes_home(self, client, sso, django_user_model, settings):
        django_user_model.objects.create_user("pat", email="PAT.JONES@example.com")
        response = sign_in_with_provider(client, sso, "pat")
        assert response["Location"] == settings.LOGIN_REDIRECT_URL

    def test_an_account_closed_since_is_signed_out(self, client, sso, django_user_model):
        pat = django_user_model.objects.create_user("pat", email="pat.jones@example.com")
        sign_in_with_provider(client, sso, "pat")
        pat.is_active = False
        pat.save()
        # The sign-in page, not a redirect onwards: the request is no longer signed in.
        assert client.get(reverse("login")).status_code == 200

    def test_by_the_discovery_document(self, client, sso, settings, django_user_model):
        forget_discovery()
        for name in endpoints(sso.url):
            setattr(settings, name, "")
        settings.OIDC_DISCOVERY_URL = f"{sso.url}/o/.well-known/openid-configuration"
        pat = django_user_model.objects.create_user("pat", email="pat.jones@example.com")
        sign_in_with_provider(client, sso, "pat")
        assert signed_in_user_id(client) == str(pat.pk)
        forget_discovery()


class TestRefused:
    @pytest.mark.parametrize(
        ("username", "accounts", "message", "reason"),
        [
            (
                "stranger",
                [],
                "No account here uses stranger@example.com; ask HR for an invitation.",
                "no account uses this email",
            ),
            (
                "kim",
                [("kim", "kim@example.com", True)],
                "You cannot sign in as kim@example.com: your provider has not verified this email.",
                "the provider has not verified this email",
            ),
            (
                "leaver",
                [("leaver", "leaver@example.com", False)],
                "The account that uses leaver@example.com is closed; ask HR if you still work "
                "here.",
                "the account is closed",
            ),
            (
                "twin",
                [("twin", "twin@example.com", True), ("twin2", "TWIN@example.com", True)],
                "More than one account here uses twin@example.com",
                "more than one account uses this email",
            ),
        ],
    )
    def test_who_cannot_sign_in(
        self, client, sso, django_user_model, sign_ins, username, accounts, message, reason
    ):
        for name, email, active in accounts:
            django_user_model.objects.create_user(name, email=email, is_active=active)
        response = sign_in_with_provider(client, sso, username, next_url="/employees/")
        assert response["Location"] == f"{reverse('login')}?next=/employees/"
        assert message in messages_on_sign_in_page(client, response)
        assert signed_in_user_id(client) is None
        assert sign_ins == []
        email = {name: email for name, email, _ in PROVIDER_USERS}[username]
        assert audit_entries() == [f"Sign-in with Acme ID refused for “{email}”: {reason}"]

    def test_refusals_are_not_counted_as_failed_passwords(
        self, client, sso, settings, django_user_model
    ):
        settings.AXES_FAILURE_LIMIT = 2
        for _ in range(3):
            response = sign_in_with_provider(client, sso, "stranger")
            assert "No account here uses" in messages_on_sign_in_page(client, response)
        assert not AccessAttempt.objects.exists()
        # and whoever has an account still signs in, by either way.
        pat = django_user_model.objects.create_user("pat", email="pat.jones@example.com")
        sign_in_with_provider(client, sso, "pat")
        assert signed_in_user_id(client) == str(pat.pk)

    def test_a_provider_that_refuses_our_client(self, client, sso, settings, django_user_model):
        django_user_model.objects.create_user("pat", email="pat.jones@example.com")
        settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
        response = sign_in_with_provider(client, sso, "pat")
        assert "Signing in with Acme ID did not work." in messages_on_sign_in_page(client, response)
        assert signed_in_user_id(client) is None
        assert audit_entries() == [
            "Sign-in with Acme ID refused for “(unknown)”: the provider's answer could not be "
            "used (HTTPError)"
        ]

    def test_the_person_says_no_at_the_provider(self, client, sso):
        state = parse_qs(urlsplit(start(client, sso)).query)["state"][0]
        response = client.get(reverse("oidc:callback"), {"error": "access_denied", "state": state})
        assert "did not work" in messages_on_sign_in_page(client, response)
        assert audit_entries() == [
            "Sign-in with Acme ID refused for “(unknown)”: the provider answered “access_denied”"
        ]

    def test_a_code_used_twice(self, client, sso, django_user_model):
        django_user_model.objects.create_user("pat", email="pat.jones@example.com")
        authorize = sso.signed_in("pat").get(start(client, sso), allow_redirects=False, timeout=10)
        back = authorize.headers["Location"]
        assert client.get(back).status_code == 302
        client.logout()
        again = client.get(back)
        assert "did not work" in messages_on_sign_in_page(client, again)
        assert signed_in_user_id(client) is None

    def test_a_callback_nobody_started(self, client, sso):
        response = client.get(reverse("oidc:callback"), {"code": "x", "state": "y"})
        assert "did not work" in messages_on_sign_in_page(client, response)
        assert audit_entries() == []  # nothing was attempted: nothing to record

    def test_a_provider_that_cannot_be_reached(self, client, sso, settings):
        forget_discovery()
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
        settings.OIDC_DISCOVERY_URL = f"{sso.url}/no-such-document"
        response = client.get(reverse("oidc:authenticate"), {"next": "/employees/"})
        assert response["Location"] == f"{reverse('login')}?next=/employees/"
        assert "Acme ID cannot be reached just now." in messages_on_sign_in_page(client, response)


def shell(code: str, **env) -> subprocess.CompletedProcess:
    """Run `code` in `manage.py shell`, in a fresh process with these environment variables."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestSettings:
    def test_off_unless_a_client_id_is_set(self):
        result = shell("from django.conf import settings; print(settings.OIDC_ENABLED)")
        assert result.stdout.strip() == "False", result.stderr

    def test_a_discovery_url_is_not_read_at_start_up(self):
        """Nothing answers at this address: starting does not ask it anything."""
        result = shell(
            "from django.conf import settings; print(settings.OIDC_ENABLED)",
            OIDC_RP_CLIENT_ID="hrms",
            OIDC_RP_CLIENT_SECRET="secret",
            OIDC_DISCOVERY_URL="http://127.0.0.1:9/.well-known/openid-configuration",
        )
        assert result.stdout.strip() == "True", result.stderr

    def test_refuses_to_start_half_configured(self):
        result = shell(
            "from django.conf import settings; print(settings.OIDC_ENABLED)",
            OIDC_RP_CLIENT_ID="hrms",
            OIDC_RP_CLIENT_SECRET="secret",
            OIDC_OP_AUTHORIZATION_ENDPOINT="https://id.example.com/authorize",
        )
        assert result.returncode != 0
        assert "set OIDC_RP_CLIENT_SECRET, and OIDC_DISCOVERY_URL or all four" in result.stderr
