"""Middleware for the sign-in rules in ``asbcr.signin``."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.urls import reverse

SIGNED_IN_AT = "asbcr_signed_in_at"
LAST_SEEN = "asbcr_last_seen"
# Writing the session on every request would be a database write per page: the time of
# the last request is refreshed at most this often, so the idle timeout is exact to it.
LAST_SEEN_RESOLUTION_SECONDS = 60


@receiver(user_logged_in)
def _remember_sign_in_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def session_expiry_reason(session, now: float) -> str | None:
    """Why a signed-in session has ended, in the user's words, or None if it has not."""
    signed_in = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN, signed_in)
    idle_minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
    absolute_hours = settings.SESSION_ABSOLUTE_TIMEOUT_HOURS
    if signed_in is not None and now - signed_in > absolute_hours * 3600:
        return (
            f"You have been signed out because you signed in more than {absolute_hours} hours ago."
        )
    if last_seen is not None and idle_minutes and now - last_seen > idle_minutes * 60:
        return f"You have been signed out because you did nothing for {idle_minutes} minutes."
    return None


class SessionTimeoutMiddleware:
    """Ends a signed-in session that has been idle too long or is too old, server-side."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if SIGNED_IN_AT not in session:
                # A session from before these rules: its clock starts now.
                session[SIGNED_IN_AT] = now
                session[LAST_SEEN] = now
            reason = session_expiry_reason(session, now)
            if reason:
                logout(request)
                messages.info(request, reason)
                next_url = request.get_full_path() if request.method == "GET" else reverse("home")
                return redirect_to_login(next_url)
            if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


async def _anonymous():
    return AnonymousUser()


class SecondFactorMiddleware:
    """Until a second factor is given, the user is anonymous to every view.

    Runs after django-otp's ``OTPMiddleware``. The user who has given the right password
    is kept as ``request.password_user`` for the second-factor pages alone; everything
    else (``login_required``, permission checks, the Django admin) sees an anonymous
    visitor and sends them to the sign-in page, which sends them on to the code page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.password_user = None
        if settings.ASBCR_REQUIRE_SECOND_FACTOR:
            user = request.user
            if user.is_authenticated and not user.is_verified():
                request.password_user = user
                request.user = AnonymousUser()
                request.auser = _anonymous
        return self.get_response(request)
