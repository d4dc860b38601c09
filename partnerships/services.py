"""Writes for staff accounts that a partnership admin makes from the staff pages."""

import logging

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("asbcr.signin")


def _check_may_manage(*, user, by) -> None:
    # A Django admin account is looked after by a system administrator, never from an area.
    if user.is_staff or user.is_superuser:
        raise PermissionDenied("A system administrator's account is managed in the Django admin.")


def staff_sign_in_unlock(*, user, by) -> int:
    """Lift a lockout on a username after wrong passwords (django-axes); returns attempts cleared."""
    _check_may_manage(user=user, by=by)
    cleared = axes_reset(username=user.get_username())
    logger.info("Sign-in lockout lifted for %s by %s", user.get_username(), by.get_username())
    return cleared


def staff_second_factor_reset(*, user, by) -> None:
    """Remove a user's authenticator app and backup codes: they set up a new app at their next
    sign-in, and any session signed in with the old ones stops working at once."""
    _check_may_manage(user=user, by=by)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("Second factor reset for %s by %s", user.get_username(), by.get_username())
