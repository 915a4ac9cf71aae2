"""Two-factor sign-in: the code after the password, setting it up, recovery codes, and
turning it off. Every signed-in user manages their own; the middleware sends users who
owe a code (or must set it up) here first."""

import base64
import io
from urllib.parse import quote

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .forms import CodeForm, EnrolForm, PasswordConfirmForm

# The secret of an authenticator app being set up, until its first code confirms it.
NEW_KEY_SESSION_KEY = "two_factor_new_key"


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def verify(request):
    """Ask for the code after the password: the second step of signing in."""
    next_url = _next_url(request)
    device = selectors.two_factor_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if result.ok:
            django_otp.login(request, result.device)
            request.session.cycle_key()  # a new session id for the fully signed-in user
            if result.recovery_codes_left is not None:
                messages.warning(request, _recovery_code_used(result.recovery_codes_left))
            return redirect(next_url)
        if result.sign_out:
            logout(request)
            messages.error(
                request,
                f"You have been signed out after {result.wrong_in_a_row} wrong codes in a row. "
                "Sign in again with your password; the wait before each new try grows.",
            )
            return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={quote(next_url)}")
        if result.wait_until is not None:
            form.add_error("code", _wait_message(result.wait_until))
        else:
            form.add_error("code", _wrong_code_message(result.wrong_in_a_row))
    context = {"form": form, "next": next_url, "sign_in_pending": True}
    return render(request, "accounts/two_factor_verify.html", context, status=_status(form))


@require_safe
def manage(request):
    """Two-factor sign-in: whether it is on, and what can be done about it."""
    device = selectors.two_factor_device(request.user)
    context = {
        "device": device,
        "codes_left": selectors.recovery_codes_left(request.user) if device else 0,
        "required": selectors.two_factor_required(request.user),
    }
    return render(request, "accounts/two_factor.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def enrol(request):
    """Set two-factor sign-in up: scan the QR code (or type the secret), enter a code."""
    if selectors.two_factor_device(request.user) is not None:
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("two_factor:manage")
    next_url = _next_url(request, default=reverse("two_factor:manage"))
    key = request.session.get(NEW_KEY_SESSION_KEY)
    if not key:
        key = request.session[NEW_KEY_SESSION_KEY] = services.two_factor_new_key()
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device, codes = services.two_factor_enable(
                user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[NEW_KEY_SESSION_KEY]
            django_otp.login(request, device)  # the code just entered counts for this session
            request.session.cycle_key()
            messages.success(request, "Two-factor sign-in is on.")
            return _recovery_codes_page(request, codes, next_url=next_url, first=True)
    uri = services.two_factor_provisioning_uri(user=request.user, key=key)
    context = {
        "form": form,
        "next": next_url,
        "qr_code": _qr_code_data_uri(uri),
        "secret": _grouped(base64.b32encode(bytes.fromhex(key)).decode()),
        "required": selectors.two_factor_required(request.user),
        "sign_in_pending": bool(request.two_factor_due),
    }
    return render(request, "accounts/two_factor_enrol.html", context, status=_status(form))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def recovery_codes(request):
    """Make new recovery codes (GET asks first: the old ones stop working)."""
    if selectors.two_factor_device(request.user) is None:
        messages.info(request, "Two-factor sign-in is off: there are no recovery codes.")
        return redirect("two_factor:manage")
    if request.method == "POST":
        codes = services.recovery_codes_regenerate(user=request.user)
        messages.success(request, "New recovery codes made. The old ones no longer work.")
        return _recovery_codes_page(request, codes, next_url=reverse("two_factor:manage"))
    context = {"codes_left": selectors.recovery_codes_left(request.user)}
    return render(request, "accounts/two_factor_regenerate.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def disable(request):
    """Turn two-factor sign-in off, with the current password; refused where required."""
    if selectors.two_factor_device(request.user) is None:
        messages.info(request, "Two-factor sign-in is already off.")
        return redirect("two_factor:manage")
    form = PasswordConfirmForm(request.POST if request.method == "POST" else None, request=request)
    if form.is_valid():
        try:
            services.two_factor_disable(user=request.user, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            messages.success(request, "Two-factor sign-in is off. Your password alone signs in.")
        return redirect("two_factor:manage")
    context = {"form": form, "required": selectors.two_factor_required(request.user)}
    return render(request, "accounts/two_factor_disable.html", context, status=_status(form))


def _recovery_codes_page(request, codes: list[str], *, next_url: str, first: bool = False):
    context = {"codes": codes, "next": next_url, "first": first}
    response = render(request, "accounts/two_factor_recovery_codes.html", context)
    response["Cache-Control"] = "no-store"  # the codes are on this page only
    return response


def _next_url(request, default: str | None = None) -> str:
    """Where to go once done: the `next` asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default or resolve_url(settings.LOGIN_REDIRECT_URL)


def _status(form) -> int:
    return 400 if form.errors else 200


def _qr_code_data_uri(text: str) -> str:
    """The QR code of `text`, as an SVG image in a data: address (the page's policy allows
    images from data:, and nothing leaves the site)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _grouped(secret: str) -> str:
    """The secret in groups of four, to type it without losing one's place."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _wait_message(until) -> ValidationError:
    seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    return ValidationError(
        f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''}, then try "
        "again.",
        code="throttled",
    )


def _wrong_code_message(wrong_in_a_row: int) -> ValidationError:
    left = settings.AXES_FAILURE_LIMIT - wrong_in_a_row
    return ValidationError(
        "That code is not right. Enter the code your app shows now, or a recovery code. "
        f"{left} more wrong code{'s' if left != 1 else ''} and you are signed out.",
        code="wrong_code",
    )


def _recovery_code_used(left: int) -> str:
    if left == 0:
        return (
            "You used your last recovery code. Make new ones now, under Two-factor sign-in "
            "in your account menu."
        )
    return (
        f"You used a recovery code: it will not work again. {left} left. If you have lost "
        "your phone, make new codes or set up the app again."
    )
