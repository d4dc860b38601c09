"""The second-factor devices of a staff account (django-otp), in one place."""

import base64
import hashlib

from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def app_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    """The user's authenticator-app device (confirmed, unconfirmed or either)."""
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-id").first()


def app_device_start(*, user) -> TOTPDevice:
    """An unconfirmed app device with a fresh secret, reused until it is confirmed."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def app_device_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def app_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new app device with a code from it; returns fresh backup codes, or None.

    The user's old app devices and backup codes go: one app and one set of codes at a time.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return backup_codes_replace(user=device.user)


@transaction.atomic
def backup_codes_replace(*, user) -> list[str]:
    """A new set of single-use backup codes; the old set stops working."""
    # The device stays (a session signed in with a backup code names it); its codes go.
    backup = StaticDevice.objects.filter(user=user).order_by("id").first()
    if backup is None:
        backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=backup.pk).delete()
    backup.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.ASBCR_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
    return codes


def demo_app_key(username: str) -> str:
    """A fixed secret per demo user, so a newcomer can add it to an app (demo data only)."""
    return hashlib.sha256(f"asbcr-demo-second-factor:{username}".encode()).hexdigest()[:40]


def demo_app_code(key: str, at: float | None = None) -> str:
    """The code an authenticator app shows now for ``key`` (hex), as six digits."""
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def demo_app_devices_enrol(users) -> None:
    """Give each demo user a confirmed app device with their fixed demo secret."""
    for user in users:
        key = demo_app_key(user.username)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True)
        elif device.key != key:
            device.key = key
            device.save(update_fields=["key"])
