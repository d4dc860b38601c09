"""The partnership admin unlocks a locked-out colleague and resets a lost second factor."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from asbcr.signin.devices import backup_codes_replace

pytestmark = pytest.mark.django_db

LOCKED = "Your account is locked for 30 minutes"


@pytest.fixture
def signin_rules(settings):
    settings.AXES_ENABLED = True
    settings.ASBCR_REQUIRE_SECOND_FACTOR = True


def full_sign_in(client, user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.post(reverse("login"), {"username": user.username, "password": "case-review-demo"})
    code = f"{TOTP(device.bin_key).token():06d}"
    assert client.post(reverse("second_factor"), {"code": code}).status_code == 302


def test_the_partnership_admin_unlocks_a_locked_out_officer(client, signin_rules, users):
    officer = users["hertsmere.officer"]
    someone = Client()
    for attempt in range(5):
        someone.post(
            reverse("login"),
            {"username": officer.username, "password": f"x{attempt}"},
            REMOTE_ADDR="203.0.113.9",
        )
    assert (
        LOCKED
        in someone.post(
            reverse("login"), {"username": officer.username, "password": "case-review-demo"}
        ).content.decode()
    )

    full_sign_in(client, users["hertsmere.admin"])
    home = client.get("/staff/").content.decode()
    url = reverse("partnerships:sign_in", args=["hertsmere"])
    assert url in home
    page = client.get(url).content.decode()
    assert "Locked" in page and officer.username in page
    response = client.post(reverse("partnerships:sign_in_unlock", args=["hertsmere", officer.pk]))
    assert response.status_code == 302
    assert "can sign in again" in client.get(url).content.decode()

    response = Client().post(
        reverse("login"), {"username": officer.username, "password": "case-review-demo"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/staff/sign-in/code/")


def test_resetting_a_second_factor_ends_its_sessions_and_asks_for_a_new_app(
    client, signin_rules, users
):
    officer = users["hertsmere.officer"]
    officers_browser = Client()
    full_sign_in(officers_browser, officer)
    backup_codes_replace(user=officer)
    assert officers_browser.get("/staff/").status_code == 200

    full_sign_in(client, users["hertsmere.admin"])
    client.post(reverse("partnerships:second_factor_reset", args=["hertsmere", officer.pk]))
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    response = officers_browser.get("/staff/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/staff/sign-in/set-up/")


def test_only_the_areas_own_admin_may_unlock_or_reset(client, users):
    officer = users["hertsmere.officer"]
    unlock = reverse("partnerships:sign_in_unlock", args=["hertsmere", officer.pk])
    reset = reverse("partnerships:second_factor_reset", args=["hertsmere", officer.pk])
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    for username in ("hertsmere.spoc", "merton.admin"):
        client.force_login(users[username])
        assert client.get(reverse("partnerships:sign_in", args=["hertsmere"])).status_code == 403
        assert client.post(unlock).status_code == 403
        assert client.post(
            reverse("partnerships:sign_in_unlock", args=["merton", officer.pk])
        ).status_code == (404 if username == "merton.admin" else 403)
        assert client.post(reset).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()
    client.force_login(users["hertsmere.admin"])
    assert client.get(unlock).status_code == 405


def test_a_system_administrators_account_is_not_managed_from_an_area(client, users, area):
    from partnerships.models import RoleAssignment, User

    admin = User.objects.get(username="admin")
    RoleAssignment.objects.create(user=admin, role="case_officer", area=area)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.force_login(users["hertsmere.admin"])
    page = client.get(reverse("partnerships:sign_in", args=["hertsmere"])).content.decode()
    assert "Managed by a system administrator" in page
    url = reverse("partnerships:second_factor_reset", args=["hertsmere", admin.pk])
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=admin).exists()
