"""The service's own error pages: plain English, the right layout, a way back, no code."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db

STAFF_MENU = "govuk-service-navigation"
LANGUAGE_SWITCH = "app-language-switcher"


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.asbcr_core.urls"


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.fixture
def staff(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return client


def _page(response) -> str:
    return response.content.decode()


def _assert_plain(page: str):
    assert "Traceback" not in page and "secret detail" not in page and "internal" not in page
    assert '<h1 class="govuk-heading-l">' in page
    # No inline script or style in what the error pages add.
    body = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    assert "<script" not in body and "style=" not in body


def test_404_on_a_public_page_has_the_public_layout(anonymous):
    response = anonymous.get("/no-such-page/")
    page = _page(response)
    assert response.status_code == 404
    assert "Page not found" in page and "check it is correct" in page
    assert 'href="/">Go to the start page' in page
    assert LANGUAGE_SWITCH in page and STAFF_MENU not in page
    _assert_plain(page)


def test_404_on_a_staff_page_has_the_staff_layout(staff):
    response = staff.get("/staff/no-such-page/")
    page = _page(response)
    assert response.status_code == 404
    assert "Page not found" in page
    assert STAFF_MENU in page and "Go to your home page" in page
    assert LANGUAGE_SWITCH not in page
    _assert_plain(page)


def test_403_does_not_show_the_developers_message(staff):
    response = staff.get("/staff/refuse/")
    page = _page(response)
    assert response.status_code == 403
    assert "You cannot see this page" in page and "do not have permission" in page
    _assert_plain(page)


def test_403_with_a_reason_says_why_and_links_to_what_to_do(staff):
    response = staff.get("/staff/refuse-with-reason/")
    page = _page(response)
    assert response.status_code == 403
    assert "Sign the form to go on." in page
    assert '<a class="govuk-link" href="/staff/sign/">Sign it</a>' in page
    _assert_plain(page)


def test_400(anonymous):
    response = anonymous.get("/bad/")
    assert response.status_code == 400
    assert "Go back and try again" in _page(response)
    _assert_plain(_page(response))


def test_csrf_failure_is_explained_and_the_reason_not_shown(reference):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    page = _page(response)
    assert response.status_code == 403
    assert "we could not accept that form" in page and "reload the page" in page
    assert "CSRF" not in page and "cookie not set" not in page
    _assert_plain(page)


def test_500_from_a_view_that_raises(anonymous):
    response = anonymous.get("/boom/")
    page = _page(response)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and "Try again later" in page
    assert 'href="/">Go to the start page' in page
    _assert_plain(page)


def test_500_on_a_staff_page_has_the_staff_look_but_needs_no_user(staff):
    response = staff.get("/staff/boom/")
    page = _page(response)
    assert response.status_code == 500
    assert "Go to your home page" in page
    assert STAFF_MENU not in page  # the menu needs the user, which needs the database
    _assert_plain(page)


@pytest.mark.parametrize("url", ["/db/", "/staff/db/"])
def test_500_renders_when_the_database_is_unreachable(anonymous, url):
    def unreachable(self):
        raise OperationalError("could not connect to server")

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", unreachable):
        response = anonymous.get(url)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in _page(response)
    _assert_plain(_page(response))


def test_500_falls_back_to_a_fixed_page_if_the_template_fails(anonymous):
    with mock.patch("asbcr.errors.loader.get_template", side_effect=RuntimeError):
        response = anonymous.get("/boom/")
    assert response.status_code == 500
    assert "Try again later" in _page(response)


def test_error_templates_have_no_inline_script_or_style():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "templates" / "errors"
    for template in folder.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert "style=" not in text, template
