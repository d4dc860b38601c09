"""The case page and its sub-pages in a real browser, as the officer and the police SPOC:
the next step is the primary button and takes you to do it; axe-core on every page."""

import pytest

from cases.models import Case
from tests.conftest import chromium_path
from tests.factories import IncidentInputFactory, receive_case
from tests.public.browser import CHROMIUM_ARGS, DESKTOP, check_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS = [
    "Summary",
    "Incidents",
    "Agency responses",
    "Threshold",
    "Panel",
    "Letters",
    "Appeals",
    "Timeline",
]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _signed_in(chromium, client, live_server, user):
    client.force_login(user)
    context = chromium.new_context(viewport=DESKTOP)
    context.set_default_timeout(60_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_officer_follows_the_next_step_and_every_sub_page_passes_axe(
    chromium, client, live_server, reference, settings
):
    settings.SITE_URL = live_server.url
    officer = reference["users"]["hertsmere.officer"]
    police = reference["agencies"]["hertfordshire-constabulary"]
    case = receive_case(
        area=reference["areas"]["hertsmere"],
        by=officer,
        incidents=[IncidentInputFactory(reported_to=police)],
    )
    page = _signed_in(chromium, client, live_server, officer)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    check_axe(page)
    primary = page.locator("#next-step")
    assert primary.text_content().strip() == "Acknowledge and send the CR1 letter"
    for tab in TABS[1:]:
        page.get_by_role("navigation", name="Parts of the case").get_by_role(
            "link", name=tab
        ).click()
        assert page.locator('[aria-current="page"]').text_content().strip() == tab
        check_axe(page)
    page.get_by_role("navigation", name="Parts of the case").get_by_role(
        "link", name="Summary"
    ).click()
    page.locator("#next-step").click()
    check_axe(page)
    page.get_by_role("button", name="Send the letter").click()
    page.wait_for_load_state("load")
    assert Case.objects.get(pk=case.pk).state == "acknowledged"
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    assert page.locator("#next-step").text_content().strip() == (
        "Ask the relevant bodies for their responses"
    )
    screenshot(page, "case-page-next-step")


def test_spoc_is_offered_their_agencys_response(chromium, client, live_server, reference):
    officer = reference["users"]["hertsmere.officer"]
    spoc = reference["users"]["hertsmere.spoc"]
    case = receive_case(
        area=reference["areas"]["hertsmere"],
        by=officer,
        incidents=[IncidentInputFactory(reported_to=spoc.agency)],
    )
    from cases.services import case_transition

    case = case_transition(case=case, name="acknowledge", by=officer)
    case_transition(case=case, name="start_gathering", by=officer)
    page = _signed_in(chromium, client, live_server, spoc)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}/")
    check_axe(page)
    assert page.locator("#next-step").text_content().strip() == "Give your agency's response"
