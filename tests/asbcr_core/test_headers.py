"""Security headers, caching and cookie flags, under the production settings.

A sample of each kind of page: public start page, a public form page, a tracking page,
the sign-in page, staff home, a staff case page, a PDF download, a CSV export and the
Django admin, fetched over HTTPS as production serves them, by a user who signed in with
a password and a second factor.
"""

import importlib
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from letters.models import Letter
from partnerships.models import User
from public import services as public_services
from tests.letters.factories import case_in_state

pytestmark = pytest.mark.django_db

PRODUCTION_SETTINGS = (
    "SECURE_",
    "SESSION_COOKIE_",
    "CSRF_COOKIE_",
    "LANGUAGE_COOKIE_",
    "CONTENT_SECURITY_POLICY",
    "X_FRAME_OPTIONS",
    "ASBCR_",
)


@pytest.fixture
def production(settings, monkeypatch):
    """The test settings with every header, cookie and sign-in value production uses."""
    monkeypatch.setenv("SECRET_KEY", "production-like-secret-key-for-the-header-tests-only")
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    sys.modules.pop("asbcr.settings.production", None)
    module = importlib.import_module("asbcr.settings.production")
    sys.modules.pop("asbcr.settings.production", None)
    for name in dir(module):
        if name.startswith(PRODUCTION_SETTINGS):
            setattr(settings, name, getattr(module, name))
    assert settings.SECURE_SSL_REDIRECT and settings.ASBCR_REQUIRE_SECOND_FACTOR
    settings.AXES_ENABLED = True
    return settings


def sign_in(client, user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(
        reverse("login"), {"username": user.username, "password": "case-review-demo"}, secure=True
    )
    assert response.status_code == 302
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post(reverse("second_factor"), {"code": code}, secure=True)
    assert response.status_code == 302, response.content.decode()[:500]


def check_headers(response, *, private: bool) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        if directive not in csp:
            problems.append(f"CSP lacks {directive!r}: {csp!r}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"CSP allows inline code: {csp!r}")
    expected = {
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{header} is {response.get(header)!r}, not {value!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"Permissions-Policy is {response.get('Permissions-Policy')!r}")
    cache_control = response.get("Cache-Control", "")
    if private and "no-store" not in cache_control:
        problems.append(f"private response has Cache-Control {cache_control!r}")
    if not private and "no-store" in cache_control:
        problems.append("a public page is needlessly no-store")
    return problems


def check_cookies(response) -> list[str]:
    problems = []
    for name, morsel in response.cookies.items():
        if not morsel.value:  # a deletion carries no data
            continue
        if not morsel["secure"]:
            problems.append(f"cookie {name} is not Secure")
        if name in ("sessionid", "csrftoken", "django_language", "messages"):
            if not morsel["httponly"]:
                problems.append(f"cookie {name} is not HttpOnly")
            if morsel["samesite"] not in ("Lax", "Strict"):
                problems.append(f"cookie {name} has SameSite {morsel['samesite']!r}")
    return problems


def inline_code(html: str) -> list[str]:
    found = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    found += re.findall(r"<style\b[^>]*>", html)
    found += re.findall(r"\sstyle=[\"']", html)
    found += re.findall(r"\son[a-z]+=[\"']", html)
    return found


def test_every_kind_of_page_has_the_headers_and_secure_cookies(client, production, reference):
    users = reference["users"]
    officer = users["hertsmere.officer"]
    case = case_in_state(area=reference["areas"]["hertsmere"], by=officer, state="received")
    token = public_services.tracking_link_issue(case=case, by=officer)
    problems = []

    def fetch(url, *, private, method="get", data=None, status=200):
        response = getattr(client, method)(url, data or {}, secure=True)
        if response.status_code != status:
            problems.append(f"{url}: {response.status_code}")
        problems.extend(f"{url}: {p}" for p in check_headers(response, private=private))
        problems.extend(f"{url}: {p}" for p in check_cookies(response))
        if response.get("Content-Type", "").startswith("text/html"):
            problems.extend(f"{url}: inline {c}" for c in inline_code(response.content.decode()))
        return response

    fetch("/", private=False, status=302)  # to the one start page
    fetch("/apply/", private=True)
    fetch("/apply/postcode/", private=True)
    fetch(
        "/i18n/setlang/",
        private=False,
        method="post",
        data={"language": "cy", "next": "/"},
        status=302,
    )
    assert "django_language" in client.cookies
    fetch(f"/track/{token}/", private=True)
    fetch(reverse("login"), private=True)

    sign_in(client, officer)
    fetch("/staff/", private=True)
    fetch(reverse("cases:detail", args=[case.reference]), private=True)
    csv = fetch(reverse("cases:timeline_export", args=[case.reference]), private=True)
    assert csv["Content-Type"].startswith("text/csv")
    client.post(
        reverse("letters:send", args=[case.reference, "CR1"]), {"channel": "post"}, secure=True
    )
    letter = Letter.objects.get(case=case)
    pdf = fetch(reverse("letters:download", args=[letter.pk]), private=True)
    assert pdf["Content-Type"] == "application/pdf"
    client.post(reverse("logout"), secure=True)

    sign_in(client, User.objects.get(username="admin"))
    fetch("/admin/", private=True)
    fetch("/admin/partnerships/user/", private=True)
    assert not problems, "\n".join(problems)


def test_plain_http_is_sent_to_https(client, production):
    response = client.get("/staff/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_no_template_has_inline_script_or_style():
    """Pages only: letters, the PDF reports and emails are not served to a browser."""
    root = Path(django_settings.BASE_DIR) / "templates"
    problems = []
    for path in root.rglob("*.html"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("letters/") or "/email/" in relative or "_pdf" in relative:
            continue
        problems.extend(f"{relative}: {c}" for c in inline_code(path.read_text()))
    assert not problems, "\n".join(problems)
