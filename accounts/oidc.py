"""Single sign-on with OpenID Connect (mozilla-django-oidc), off unless settings.OIDC_ENABLED.

Nobody signs up by it: a person signs in to the account here whose email their provider
has verified, if exactly one account has it and that account is active (docs/security.md).
The provider's endpoints are set one by one, or read from its discovery document the
first time someone signs in (then kept an hour), never when a process starts.
"""

import logging
import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

logger = logging.getLogger(__name__)

# Each endpoint setting, and its name in the provider's discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict]] = {}  # url: (when it expires, document)
_discovery_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


def oidc_setting(attr: str, *default):
    """A setting for mozilla-django-oidc: an endpoint not set is taken from the discovery
    document (OIDC_DISCOVERY_URL)."""
    if attr in DISCOVERED and not getattr(settings, attr, "") and settings.OIDC_DISCOVERY_URL:
        return discovery(settings.OIDC_DISCOVERY_URL)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def discovery(url: str) -> dict:
    """The provider's discovery document, read at most once an hour by each process."""
    expires, document = _discovered.get(url, (0.0, {}))
    if time.monotonic() < expires:
        return document
    with _discovery_lock:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            missing = [name for name in DISCOVERED.values() if not document.get(name)]
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"{url}: {exc}") from exc
        if missing:
            raise ProviderUnavailable(f"{url} does not name {', '.join(missing)}")
        _discovered[url] = (time.monotonic() + DISCOVERY_SECONDS, document)
    return document


def forget_discovery() -> None:
    _discovered.clear()


@dataclass(frozen=True)
class Refusal:
    """Why a person was not signed in: `reason` for the audit trail, `message` for them."""

    email: str
    reason: str
    message: str


def refusal_for(claims: dict, accounts: list) -> Refusal | None:
    """Whether these claims may sign in to the one account of `accounts` (those with the
    claimed email): None if so, else why not."""
    email = claims.get("email") or ""
    provider = settings.OIDC_PROVIDER_NAME
    if not email:
        return Refusal(
            email="(none)",
            reason="the provider sent no email address",
            message=f"{provider} did not tell us your email address, so you cannot sign in "
            "with it here.",
        )
    verified = claims.get(settings.OIDC_EMAIL_VERIFIED_CLAIM)
    if verified is not True and str(verified).lower() != "true":
        return Refusal(
            email=email,
            reason="the provider has not verified this email",
            message=f"You cannot sign in as {email}: your provider has not verified this email.",
        )
    if not accounts:
        return Refusal(
            email=email,
            reason="no account uses this email",
            message=f"No account here uses {email}; ask HR for an invitation.",
        )
    if len(accounts) > 1:
        return Refusal(
            email=email,
            reason="more than one account uses this email",
            message=f"More than one account here uses {email}, so signing in with {provider} "
            "cannot tell which is yours; ask HR to sort it out.",
        )
    if not accounts[0].is_active:
        return Refusal(
            email=email,
            reason="the account is closed",
            message=f"The account that uses {email} is closed; ask HR if you still work here.",
        )
    return None


def is_single_sign_on(request, credentials: dict | None = None) -> bool:
    """For django-axes (AXES_WHITELIST_CALLABLE): a sign-in by OIDC is not counted as a
    failed password nor locked out. It carries no user name to count it under, the
    provider guards its own sign-in, and every refusal is in the audit trail."""
    credentials = credentials or {}
    return "nonce" in credentials and not credentials.get("username")


class _Setting:
    """One of the backend's settings, read (and perhaps discovered) when used: the backend
    is made again for every request of a user signed in by OIDC."""

    def __init__(self, *default):
        self.default = default

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, backend, owner=None):
        return self if backend is None else oidc_setting(self.name, *self.default)


class OIDCBackend(OIDCAuthenticationBackend):
    """Sign in an existing, active account whose email the provider has verified. It grants
    no permissions of its own (accounts.backends.ModelBackend does that)."""

    OIDC_OP_TOKEN_ENDPOINT = _Setting()
    OIDC_OP_USER_ENDPOINT = _Setting()
    OIDC_OP_JWKS_ENDPOINT = _Setting()
    OIDC_RP_CLIENT_ID = _Setting()
    OIDC_RP_CLIENT_SECRET = _Setting()
    OIDC_RP_SIGN_ALGO = _Setting("RS256")
    OIDC_RP_IDP_SIGN_KEY = _Setting(None)

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback's own call: a password sign-in never reaches the provider,
        # whatever its address carries.
        if not settings.OIDC_ENABLED or set(kwargs) != {"nonce", "code_verifier"}:
            return None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        payload = super().get_payload_data(token, key)
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in ([audience] if isinstance(audience, str) else audience):
            raise SuspiciousOperation("The ID token was issued to another client.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, and the userinfo endpoint's over them (some providers put
        email_verified only in one of the two)."""
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo is about someone else than the ID token.")
        return {**payload, **claims}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = claims.get("email") or ""
        accounts = []
        if email:
            accounts = list(self.UserModel._default_manager.filter(email__iexact=email)[:2])
        refusal = refusal_for(claims, accounts)
        if refusal is not None:
            self.request.oidc_refusal = refusal
            return None
        return accounts[0]

    def get_user(self, user_id):
        # Django's, which signs out an account closed since (the library's does not).
        return backends.ModelBackend.get_user(self, user_id)

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()
