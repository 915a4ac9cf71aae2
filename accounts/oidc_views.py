"""Single sign-on (accounts/oidc.py): going to the provider to sign in, and coming back.

Both answer 404 unless settings.OIDC_ENABLED. What the provider says is checked by the
backend; here every sign-in and every refusal goes into the audit trail, and a refusal
goes back to the sign-in page saying why, whatever went wrong.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from mozilla_django_oidc import views as oidc_views

from core.audit import log_event

from .oidc import ProviderUnavailable, Refusal, oidc_setting

logger = logging.getLogger(__name__)

# What talking to the provider can end in: no answer, an error, a token that does not
# verify, an answer that is not what OIDC says, a state this browser did not start.
PROVIDER_ERRORS = (
    requests.RequestException,
    jwt.PyJWTError,
    SuspiciousOperation,
    ProviderUnavailable,
    ValueError,
    KeyError,
    TypeError,
)


def _did_not_work() -> str:
    return (
        f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. Try again, or sign in "
        "with your user name and password."
    )


class _Start(oidc_views.OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class _Callback(oidc_views.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)
    started = False  # whether the browser comes back from a sign-in it started here

    def get(self, request):
        state = request.GET.get("state")
        self.started = bool(state) and state in request.session.get("oidc_states", {})
        try:
            return super().get(request)
        except PROVIDER_ERRORS as exc:
            logger.warning("Single sign-on failed: %r", exc, exc_info=True)
            request.oidc_refusal = Refusal(
                email="(unknown)",
                reason=f"the provider's answer could not be used ({type(exc).__name__})",
                message=_did_not_work(),
            )
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        log_event(
            model=get_user_model(),
            what=f"Signed in with {settings.OIDC_PROVIDER_NAME}: {self.user.email}",
            actor=self.user,
        )
        return response

    def login_failure(self):
        refusal = getattr(self.request, "oidc_refusal", None)
        if refusal is None:
            error = self.request.GET.get("error", "")[:100]
            refusal = Refusal(
                email="(unknown)",
                reason=f"the provider answered “{error}”" if error else "it did not finish",
                message=_did_not_work(),
            )
        if self.started:
            log_event(
                model=get_user_model(),
                what=(
                    f"Sign-in with {settings.OIDC_PROVIDER_NAME} refused for “{refusal.email}”: "
                    f"{refusal.reason}"
                ),
                actor=None,
            )
        messages.error(self.request, refusal.message)
        return _back_to_sign_in(self.request.session.get("oidc_login_next"))


def _back_to_sign_in(next_url: str | None):
    """The sign-in page (which shows the messages), still going to `next_url` after it."""
    return redirect_to_login(next_url) if next_url else redirect(settings.LOGIN_URL)


_start = _Start.as_view()
_callback = _Callback.as_view()


@login_not_required
def oidc_authenticate(request):
    """Send the browser to the provider to sign in (GET; the link on the sign-in page)."""
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up.")
    try:
        return _start(request)
    except ProviderUnavailable as exc:
        logger.warning("Single sign-on cannot start: %s", exc)
        messages.error(
            request,
            f"{settings.OIDC_PROVIDER_NAME} cannot be reached just now. Try again later, or "
            "sign in with your user name and password.",
        )
        return _back_to_sign_in(request.GET.get("next"))


@login_not_required
def oidc_callback(request):
    """Where the provider sends the browser back, with a code to check (GET)."""
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up.")
    return _callback(request)
