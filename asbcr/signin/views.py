"""Staff sign-in pages: password, second factor (set up or give), backup codes, lockout."""

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp.plugins.otp_static.models import StaticDevice

from asbcr.signin.devices import (
    app_device,
    app_device_confirm,
    app_device_secret,
    app_device_start,
    backup_codes_replace,
)
from asbcr.signin.forms import AppCodeForm, SecondFactorForm

BACKUP_CODES_SESSION_KEY = "asbcr_backup_codes_to_show"


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Your account is locked for {minutes} minutes after {settings.AXES_FAILURE_LIMIT} "
        "failed attempts. Ask your partnership admin to unlock it."
    )


def _next_url(request, default: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: anything else ("999", a view name) would be taken by
    # redirect() as a URL name to reverse, and a NUL can never be part of a path.
    if (
        candidate.startswith("/")
        and "\x00" not in candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _second_factor_given(request, device) -> None:
    """The session now holds a verified user; a new session key, as at any sign-in."""
    request.session.cycle_key()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


class SignInView(LoginView):
    """The password step. With a second factor required, it leads on to the code page."""

    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        if getattr(request, "password_user", None) is not None:
            return redirect(_with_next("second_factor", _next_url(request)))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if settings.ASBCR_REQUIRE_SECOND_FACTOR:
            return redirect(_with_next("second_factor", self.get_success_url()))
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer: the sign-in page again, saying why and what to do."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "locked_message": lockout_message(),
        "next": _next_url(request),
    }
    return render(request, "registration/login.html", context, status=429)


def _password_user_or_redirect(request, next_url):
    """The user who has given their password, or where to send anyone else."""
    user = getattr(request, "password_user", None)
    if user is not None:
        return user, None
    if request.user.is_authenticated:
        return None, redirect(next_url)
    return None, redirect_to_login(next_url)


@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Give a code from the authenticator app, or a backup code."""
    next_url = _next_url(request)
    user, elsewhere = _password_user_or_redirect(request, next_url)
    if elsewhere:
        return elsewhere
    device = app_device(user)
    if device is None:
        return redirect(_with_next("second_factor_setup", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        candidates = [device] if code.isdigit() and len(code) == 6 else []
        candidates += list(StaticDevice.objects.filter(user=user, confirmed=True))
        # django-otp makes each wrong code double the wait before the next one is tried.
        throttled = any(not c.verify_is_allowed()[0] for c in candidates)
        for candidate in candidates:
            verified = verify_token(user, candidate.persistent_id, code)
            if verified is not None:
                _second_factor_given(request, verified)
                if isinstance(verified, StaticDevice):
                    left = verified.token_set.count()
                    messages.info(
                        request,
                        f"You used a backup code. You have {left} left: each works only once.",
                    )
                return redirect(next_url)
        form.add_error(
            "code",
            "You have entered too many wrong codes. Wait a minute, then enter the code the app "
            "shows now"
            if throttled
            else "The code is not right. Enter the code the app shows now, or a backup code "
            "you have not used before",
        )
    return render(
        request,
        "registration/second_factor.html",
        {"form": form, "next": next_url, "password_user": user},
    )


@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """First sign-in: add ASB Case Review to an authenticator app, then give its code."""
    next_url = _next_url(request)
    user, elsewhere = _password_user_or_redirect(request, next_url)
    if elsewhere:
        return elsewhere
    if app_device(user) is not None:
        return redirect(_with_next("second_factor", next_url))
    device = app_device_start(user=user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = app_device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            _second_factor_given(request, app_device(user))
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            return redirect(_with_next("backup_codes", next_url))
        form.add_error(
            "code",
            "The code is not right. Check the app shows ASB Case Review and enter the code "
            "it shows now",
        )
    qr_code = segno.make(device.config_url, error="m").svg_inline(
        scale=5, svgclass="app-qr-code", title="QR code for your authenticator app", lineclass=None
    )
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": qr_code,
            "secret": app_device_secret(device),
            "password_user": user,
        },
    )


@login_required
def backup_codes(request):
    """The backup codes, shown once, straight after they are made."""
    next_url = _next_url(request)
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(next_url)
    return render(request, "registration/backup_codes.html", {"codes": codes, "next": next_url})


@login_required
@require_POST
def backup_codes_new(request):
    """A new set of backup codes; the old ones stop working."""
    request.session[BACKUP_CODES_SESSION_KEY] = backup_codes_replace(user=request.user)
    return redirect(_with_next("backup_codes", reverse("home")))


def admin_login(request):
    """The Django admin signs in through the staff sign-in, second factor and all."""
    next_url = _next_url(request, default=reverse("admin:index"))
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        messages.error(
            request,
            "Your account cannot use the Django admin. Ask a system administrator if you need it.",
        )
        return redirect("home")
    return redirect_to_login(next_url)
