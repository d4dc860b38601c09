"""Staff sign-in in a real browser, under the Content-Security-Policy: GOV.UK Frontend starts
from its static file, no policy violation, and the set-up, backup-code and code pages pass
axe-core."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import chromium_path
from tests.public.browser import CHROMIUM_ARGS, DESKTOP, check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _code(device) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key).token():06d}"


def test_first_sign_in_sets_up_the_app_then_signs_in_with_a_code(
    chromium, live_server, settings, reference
):
    settings.AXES_ENABLED = True
    settings.ASBCR_REQUIRE_SECOND_FACTOR = True
    officer = reference["users"]["hertsmere.officer"]
    page = chromium.new_context(viewport=DESKTOP).new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    page.goto(f"{live_server.url}/staff/cases/")
    assert "/staff/sign-in/" in page.url
    check_axe(page)
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    assert page.locator("[data-module='govuk-button'][data-govuk-button-init]").count() >= 1
    page.fill("#id_username", "hertsmere.officer")
    page.fill("#id_password", "case-review-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    assert "/staff/sign-in/set-up/" in page.url
    assert page.locator("svg.app-qr-code").is_visible()
    check_axe(page)
    device = TOTPDevice.objects.get(user=officer)
    page.fill("#id_code", _code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "/staff/sign-in/backup-codes/" in page.url
    assert page.locator("#backup-codes li").count() == 10
    check_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="I have saved my backup codes").click()
    assert page.url.endswith("/staff/cases/")

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/staff/sign-in/")
    page.fill("#id_username", "hertsmere.officer")
    page.fill("#id_password", "case-review-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/staff/sign-in/code/" in page.url
    check_axe(page)
    page.fill("#id_code", "000")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_axe(page)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    page.fill("#id_code", _code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/staff/")
    assert not violations, violations
