"""Staff sign-in: lockout, the second factor, and sessions that end.

The test settings turn axes and the second factor off (the rest of the suite signs in with
``force_login``); every test here turns them back on with the ``signin_rules`` fixture.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from asbcr.signin import checks
from asbcr.signin.devices import backup_codes_replace, demo_app_code, demo_app_key
from tests.factories import receive_case
from tests.test_staff_urls import staff_patterns, to_url

pytestmark = pytest.mark.django_db

PASSWORD = "case-review-demo"
LOCKED = (
    "Your account is locked for 30 minutes after 5 failed attempts. "
    "Ask your partnership admin to unlock it."
)
START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def signin_rules(settings):
    settings.AXES_ENABLED = True
    settings.ASBCR_REQUIRE_SECOND_FACTOR = True
    return settings


def app_code(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{device.digits}d}"


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client, username, password=PASSWORD, ip="192.0.2.10", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **extra,
    )


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


# --- lockout -----------------------------------------------------------------------


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    client, signin_rules, users
):
    signin_rules.ASBCR_REQUIRE_SECOND_FACTOR = False
    for attempt in range(20):
        response = sign_in(client, "hertsmere.officer", f"guess-{attempt}")
    assert response.status_code == 429
    response = sign_in(client, "hertsmere.officer")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert 'value="hertsmere.officer"' in page  # what was typed is kept
    assert not signed_in(client)


def test_the_lock_is_on_the_username_from_any_address(client, signin_rules, users):
    for attempt in range(5):
        sign_in(client, "hertsmere.officer", f"guess-{attempt}", ip="192.0.2.1")
    response = sign_in(client, "hertsmere.officer", ip="198.51.100.7")
    assert LOCKED in response.content.decode()


def test_the_lock_is_on_the_address_for_any_username(client, signin_rules, users):
    for attempt, username in enumerate(["a", "b", "c", "d", "e"]):
        sign_in(client, username, f"guess-{attempt}", ip="192.0.2.1")
    assert LOCKED in sign_in(client, "hertsmere.spoc", ip="192.0.2.1").content.decode()
    response = sign_in(Client(), "hertsmere.spoc", ip="198.51.100.7")
    assert response.status_code == 302 and LOCKED not in response.content.decode()


def test_the_address_is_the_one_our_proxy_saw(client, signin_rules, users):
    signin_rules.ASBCR_TRUSTED_PROXY_COUNT = 1
    for attempt, username in enumerate(["a", "b", "c", "d", "e"]):
        sign_in(
            client, username, f"guess-{attempt}", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
        )
    # Someone else behind the same proxy is not locked out ...
    response = sign_in(Client(), "hertsmere.spoc", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9")
    assert response.status_code == 302
    # ... the address that made the failures is.
    response = sign_in(
        Client(), "hertsmere.chair", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert LOCKED in response.content.decode()


def test_the_lock_lifts_after_30_minutes(client, signin_rules, users):
    signin_rules.ASBCR_REQUIRE_SECOND_FACTOR = False
    with time_machine.travel(START, tick=False) as clock:
        for attempt in range(5):
            sign_in(client, "hertsmere.officer", f"guess-{attempt}")
        clock.shift(dt.timedelta(minutes=29))
        assert LOCKED in sign_in(client, "hertsmere.officer").content.decode()
        clock.shift(dt.timedelta(minutes=31))
        assert sign_in(client, "hertsmere.officer").status_code == 302
        assert signed_in(client)


def test_an_admin_unlocks_a_username(client, signin_rules, users):
    signin_rules.ASBCR_REQUIRE_SECOND_FACTOR = False
    for attempt in range(5):
        sign_in(client, "hertsmere.officer", f"guess-{attempt}", ip="192.0.2.1")
    assert LOCKED in sign_in(client, "hertsmere.officer", ip="192.0.2.2").content.decode()
    call_command("axes_reset_username", "hertsmere.officer")
    assert sign_in(client, "hertsmere.officer", ip="192.0.2.2").status_code == 302


def test_the_admin_lists_lockouts_for_unlocking(client, settings, users):
    from django.contrib.auth import get_user_model

    settings.AXES_ENABLED = True
    for attempt in range(5):
        sign_in(client, "hertsmere.officer", f"guess-{attempt}")
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "hertsmere.officer" in page


def test_the_admin_signs_in_only_through_the_staff_sign_in(client, signin_rules, users):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/sign-in/?next=/admin/"
    # A password posted to the admin's old sign-in address signs nobody in.
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/staff/sign-in/")
    assert client.get("/admin/").status_code == 302


# --- second factor -----------------------------------------------------------------


def test_a_password_alone_opens_no_staff_page_and_not_the_admin(client, signin_rules, area, users):
    officer = users["hertsmere.officer"]
    case = receive_case(area=area, by=officer)
    assert sign_in(client, "hertsmere.officer").status_code == 302
    urls = ["/staff/", "/admin/", "/admin/partnerships/user/"]
    urls += [to_url(route, case.reference) for route, _ in staff_patterns()]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith(("/staff/sign-in/", "/admin/login/")), url
    # The sign-in page sends them on to set up the app, never back to a page.
    response = client.get("/staff/sign-in/?next=/staff/cases/", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/sign-in/set-up/?next=%2Fstaff%2Fcases%2F"


def test_force_login_without_a_second_factor_is_sent_to_give_one(client, signin_rules, officer):
    enrol(officer)
    client.force_login(officer)
    response = client.get("/staff/cases/", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/sign-in/code/?next=%2Fstaff%2Fcases%2F"
    assert "Enter the code from your authenticator app" in response.content.decode()


def test_first_sign_in_sets_up_the_app_and_shows_backup_codes_once(client, signin_rules, officer):
    response = sign_in(client, "hertsmere.officer")
    response = client.get(response["Location"], follow=True)
    page = response.content.decode()
    assert "Set up your authenticator app" in page
    assert "<svg" in page and "app-qr-code" in page  # the QR code is drawn here, not fetched
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") in device.config_url

    response = client.post(reverse("second_factor_setup"), {"code": "000000x"})
    assert "Enter the 6 digits the app shows" in response.content.decode()
    assert 'value="000000x"' in response.content.decode()
    assert not signed_in(client)

    response = client.post(
        reverse("second_factor_setup"), {"code": app_code(device), "next": "/staff/cases/"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/staff/sign-in/backup")
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(codes) == 10
    assert "/staff/cases/" in page
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    # Shown once: the page does not show them again.
    again = client.get(reverse("backup_codes"))
    assert again.status_code == 302 and codes[0] not in again.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert signed_in(client)


def test_a_code_from_the_app_signs_in_and_opens_staff_pages_and_the_admin(
    client, signin_rules, reference
):
    from partnerships.models import User

    admin = User.objects.get(username="admin")
    device = enrol(admin)
    response = sign_in(client, "admin")
    assert response["Location"] == "/staff/sign-in/code/?next=%2Fstaff%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Signing in as admin" in page
    assert client.get("/admin/").status_code == 302

    response = client.post(reverse("second_factor"), {"code": "123 45", "next": "/admin/"})
    assert "Enter the 6 digits from your authenticator app" in response.content.decode()
    wrong = f"{(int(app_code(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("second_factor"), {"code": wrong, "next": "/admin/"})
    assert "The code is not right" in response.content.decode()
    device.throttle_reset()

    code = app_code(device)
    response = client.post(
        reverse("second_factor"), {"code": code[:3] + " " + code[3:], "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert signed_in(client)


def test_wrong_codes_are_throttled(client, signin_rules, officer):
    device = enrol(officer)
    sign_in(client, "hertsmere.officer")
    wrong = f"{(int(app_code(device)) + 1) % 1000000:06d}"
    client.post(reverse("second_factor"), {"code": wrong})
    response = client.post(reverse("second_factor"), {"code": app_code(device)})
    assert "too many wrong codes" in response.content.decode()
    assert not signed_in(client)


def test_a_backup_code_works_once(client, signin_rules, officer):
    enrol(officer)
    codes = backup_codes_replace(user=officer)
    sign_in(client, "hertsmere.officer")
    response = client.post(reverse("second_factor"), {"code": codes[0].upper()})
    assert response.status_code == 302
    page = client.get("/staff/").content.decode()
    assert "You used a backup code. You have 9 left" in page
    client.post(reverse("logout"))

    sign_in(client, "hertsmere.officer")
    response = client.post(reverse("second_factor"), {"code": codes[0]})
    assert "The code is not right" in response.content.decode()
    assert not signed_in(client)


def test_new_backup_codes_replace_the_old_ones(client, signin_rules, officer):
    enrol(officer)
    old = backup_codes_replace(user=officer)
    sign_in(client, "hertsmere.officer")
    client.post(reverse("second_factor"), {"code": old[0]})
    assert reverse("backup_codes_new") in client.get("/staff/").content.decode()
    response = client.post(reverse("backup_codes_new"))
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old[1:]).exists()
    assert signed_in(client)


def test_demo_logins_prints_a_code_that_signs_the_demo_user_in(client, signin_rules, users):
    from io import StringIO

    from partnerships import demo

    demo.load_demo(StringIO())
    out = StringIO()
    with time_machine.travel(START, tick=False):
        call_command("demo_logins", stdout=out)
        line = next(row for row in out.getvalue().splitlines() if "hertsmere.officer" in row)
        code = line.split()[1]
        assert code == demo_app_code(demo_app_key("hertsmere.officer"))
        sign_in(client, "hertsmere.officer")
        response = client.post(reverse("second_factor"), {"code": code})
        assert response.status_code == 302
        assert signed_in(client)
    # Loading the demo again changes nothing.
    demo.load_demo(StringIO())
    assert TOTPDevice.objects.filter(user=users["hertsmere.officer"]).count() == 1


def test_turning_the_second_factor_off_is_a_deploy_warning_and_logged(settings, caplog):
    settings.ASBCR_REQUIRE_SECOND_FACTOR = True
    assert checks.second_factor_required(None) == []
    settings.ASBCR_ALLOW_NO_SECOND_FACTOR = True
    settings.ASBCR_REQUIRE_SECOND_FACTOR = False
    [warning] = checks.second_factor_required(None)
    assert warning.id == "asbcr.W001"
    with caplog.at_level("WARNING", logger="asbcr.signin"):
        checks.warn_at_start_up()
    assert "password alone" in caplog.text


# --- sessions ----------------------------------------------------------------------


def full_sign_in(client, user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol(user)
    sign_in(client, user.username)
    response = client.post(reverse("second_factor"), {"code": app_code(device)})
    assert response.status_code == 302
    return device


def test_a_session_ends_after_30_idle_minutes(client, signin_rules, officer):
    with time_machine.travel(START, tick=False) as clock:
        full_sign_in(client, officer)
        key = client.session.session_key
        for _ in range(4):  # busy for two hours: still signed in
            clock.shift(dt.timedelta(minutes=29))
            assert signed_in(client)
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/staff/cases/")
        assert response.status_code == 302
        assert response["Location"] == "/staff/sign-in/?next=/staff/cases/"
        page = client.get(response["Location"]).content.decode()
        assert "signed out because you did nothing for 30 minutes" in page
        assert not Session.objects.filter(session_key=key).exists()


def test_the_idle_timeout_is_configurable(client, settings, officer):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(officer)
        clock.shift(dt.timedelta(minutes=4))
        assert signed_in(client)
        clock.shift(dt.timedelta(minutes=6))
        assert not signed_in(client)


def test_a_session_ends_12_hours_after_signing_in_however_busy(client, signin_rules, officer):
    with time_machine.travel(START, tick=False) as clock:
        full_sign_in(client, officer)
        for _ in range(11 * 3):
            clock.shift(dt.timedelta(minutes=20))
            assert signed_in(client)
        clock.shift(dt.timedelta(minutes=61))
        response = client.get("/staff/")
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "signed in more than 12 hours ago" in page


def test_signing_out_is_a_post_that_ends_the_session_on_the_server(client, signin_rules, officer):
    full_sign_in(client, officer)
    key = client.session.session_key
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == "/staff/sign-in/"
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed, is worth nothing.
    client.cookies["sessionid"] = key
    assert not signed_in(client)


def test_changing_a_password_checks_it_against_the_password_rules(client, reference):
    from partnerships.models import User

    admin = User.objects.get(username="admin")
    client.force_login(admin)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


@pytest.mark.parametrize("next_url", ["9" * 30, "home", "//evil.example/", "https://evil.example/"])
def test_a_next_that_is_not_a_path_on_this_site_goes_home(client, officer, next_url):
    """Found by the fuzz test: a bare "next" was taken by redirect() as a view name (500).
    Signed in already, the code page sends the user on to "next"."""
    client.force_login(officer)
    response = client.get(reverse("second_factor"), {"next": next_url})
    assert response.status_code in (200, 302)
    assert "evil.example" not in response.get("Location", "")
