"""Subject access and rectification in a real browser: by clicks, checked with axe-core."""

import datetime as dt

import pytest

from cases.constants import EventKind
from privacy.models import SubjectAccessRequest
from tests.conftest import chromium_path
from tests.privacy.factories import ANNA, two_person_case
from tests.public.browser import CHROMIUM_ARGS, DESKTOP, check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _signed_in(chromium, client, live_server, user):
    client.force_login(user)
    context = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_admin_answers_a_request_and_corrects_a_phone_number(
    chromium, client, live_server, users, area
):
    case = two_person_case(area=area, by=users["hertsmere.officer"])
    today = dt.date.today()
    page = _signed_in(chromium, client, live_server, users["hertsmere.admin"])
    page.goto(live_server.url + "/staff/")
    page.get_by_role("link", name="Subject access requests").click()
    check_axe(page)
    page.get_by_role("link", name="Record a request").click()
    page.get_by_role("button", name="Record the request").click()
    check_axe(page)  # the error summary
    page.get_by_label("Name of the person who asked").fill(ANNA["name"])
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("The person's name").fill("anna  kowalski")
    page.get_by_role("button", name="Record the request").click()
    check_axe(page)
    assert "Why it matched: name matches" in page.text_content("main")
    page.get_by_role("button", name="Confirm these records").click()
    check_axe(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    assert (
        download.value.suggested_filename == f"{SubjectAccessRequest.objects.get().reference}.pdf"
    )
    page.get_by_role("link", name="Correct this person's details").first.click()
    check_axe(page)
    page.get_by_label("Phone number").fill("07700 900999")
    page.get_by_label("Why are these details being corrected?").fill("She told us on the phone")
    page.get_by_role("button", name="Save the correction").click()
    assert case.timeline.filter(kind=EventKind.RECTIFICATION).count() == 1
