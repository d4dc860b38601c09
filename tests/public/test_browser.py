"""The public journeys in a real browser (Debian chromium), with axe-core on every page."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.conftest import chromium_path
from tests.public.browser import (
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    check_axe,
    key_choose_radio,
    key_continue,
    key_type,
    screenshot,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, reference):
    settings.SITE_URL = live_server.url
    return live_server.url


def _page(chromium, viewport):
    context = chromium.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_apply_with_the_keyboard_only_on_a_phone(chromium, site):
    """Every page of the form, reached and answered with Tab, arrows, Space, Enter and typing."""
    page = _page(chromium, PHONE)
    today = timezone.localdate()
    page.goto(site + "/apply/")
    check_axe(page)
    screenshot(page, "phone-apply-start")
    tab_to(page, "a.govuk-button--start")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_axe(page)
    key_type(page, "#id_postcode", "WD6 1AA")
    key_continue(page)
    assert "/apply/case-review/" in page.url
    check_axe(page)
    screenshot(page, "phone-case-review")
    key_continue(page)
    check_axe(page)
    key_choose_radio(page, "applicant_type", "victim")
    key_continue(page)
    check_axe(page)
    key_choose_radio(page, "kind", "person")
    key_continue(page)
    check_axe(page)
    key_type(page, "#id_name", "Alex Applicant")
    key_type(page, "#id_address_line_1", "2 High Street")
    key_type(page, "#id_town", "Borehamwood")
    key_type(page, "#id_postcode", "WD6 1AB")
    screenshot(page, "phone-address")
    key_continue(page)
    check_axe(page)
    key_choose_radio(page, "preferred_contact", "email")
    key_type(page, "#id_email", "alex@example.org")
    key_continue(page)
    check_axe(page)
    key_continue(page)  # no extra needs
    check_axe(page)
    key_type(page, "#id_summary", "Loud music and shouting next door every night.")
    key_continue(page)
    for i in range(3):
        assert f"/apply/incidents/{i}/" in page.url
        check_axe(page)
        happened = today - dt.timedelta(days=60 - i * 15)
        key_type(page, "#id_description", f"Music until 3am ({i + 1})")
        key_type(page, "#id_incident_date_0", str(happened.day))
        key_type(page, "#id_incident_date_1", str(happened.month))
        key_type(page, "#id_incident_date_2", str(happened.year))
        if i == 0:
            screenshot(page, "phone-incident")
        key_continue(page)
        check_axe(page)
        key_choose_radio(page, "add_another", "yes" if i < 2 else "no")
        key_continue(page)
    check_axe(page)
    key_type(page, "#id_impact", "I cannot sleep and my children are scared.")
    key_continue(page)
    check_axe(page)
    tab_to(page, "#id_involvement_2")
    page.keyboard.press("Space")
    key_continue(page)
    assert page.url.endswith("/apply/check/")
    check_axe(page)
    screenshot(page, "phone-check-answers")
    key_continue(page, "Accept and send")
    assert page.url.endswith("/apply/sent/")
    check_axe(page)
    screenshot(page, "phone-confirmation")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("HER-")
    assert reference in mail.outbox[-1].body


def test_validation_errors_and_the_error_summary(chromium, site):
    page = _page(chromium, DESKTOP)
    page.goto(site + "/apply/postcode/")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    check_axe(page)
    screenshot(page, "error-summary-postcode")
    page.fill("#id_postcode", "WD6 1AA")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # what a case review is
    page.get_by_role("button", name="Continue").click()  # nothing chosen
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    check_axe(page)
    screenshot(page, "error-summary-radios")
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_applicant_type_1"
    page.check("#id_applicant_type_1")
    page.get_by_role("button", name="Continue").click()
    page.check("#id_kind_1")
    page.get_by_role("button", name="Continue").click()
    page.fill("#id_name", "Sam")
    page.get_by_role("button", name="Continue").click()  # address and postcode missing
    assert page.locator("#id_name").input_value() == "Sam"  # nothing typed is lost
    links = page.locator(".govuk-error-summary a")
    assert links.count() == 3  # address line 1, town, postcode
    check_axe(page)


def test_save_and_come_back_later(chromium, site):
    page = _page(chromium, DESKTOP)
    page.goto(site + "/apply/area/")
    check_axe(page)
    page.check("input[name=area][value=merton]")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    page.check("#id_applicant_type_2")
    page.get_by_role("button", name="Continue").click()
    page.check("input[name=relationship][value=councillor]")
    page.get_by_role("button", name="Save and come back later").click()
    check_axe(page)
    page.fill("#id_email", "councillor@example.org")
    page.get_by_role("button", name="Send me a link").click()
    check_axe(page)
    link = re.search(r"http\S+/apply/resume/\S+/", mail.outbox[-1].body).group(0)
    later = _page(chromium, PHONE)
    later.goto(link)
    assert later.url.endswith("/apply/consent/")
    check_axe(later)
    later.goto(site + "/apply/relationship/")
    assert later.locator("input[name=relationship][value=councillor]").is_checked()
    later.go_back()
    later.reload()
    assert later.url.endswith("/apply/consent/")


def test_tracking_statement_contact_and_appeal(chromium, site, users):
    from cases import services as case_services
    from public import services
    from tests.factories import receive_case

    officer = users["hertsmere.officer"]
    case = receive_case(area=officer.role_assignments.first().area, by=officer)
    token = services.tracking_link_issue(case=case, by=officer)
    for name in ("acknowledge", "start_gathering"):
        case_services.case_transition(case=case, name=name, by=officer)
    page = _page(chromium, DESKTOP)
    page.goto(f"{site}/track/{token}/")
    check_axe(page)
    screenshot(page, "tracking")
    page.get_by_role("link", name="Send an impact statement").click()
    check_axe(page)
    page.get_by_role("button", name="Send").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_axe(page)
    page.fill("#id_text", "We have not slept properly for months.")
    page.set_input_files(
        "#id_attachment",
        files=[{"name": "statement.txt", "mimeType": "text/plain", "buffer": b"More detail."}],
    )
    page.get_by_role("button", name="Send").click()
    assert page.locator(".govuk-notification-banner--success").is_visible()
    check_axe(page)
    assert case.impact_statements.filter(source="written_online").count() == 1
    page.get_by_role("link", name="Update your contact details").click()
    check_axe(page)
    page.fill("#id_phone", "07700 900456")
    page.get_by_role("button", name="Send").click()
    case.applicant.refresh_from_db()
    assert case.applicant.phone == "07700 900456"

    case_services.case_transition(
        case=case, name="record_threshold_not_met", by=officer, reason="Two incidents qualify"
    )
    phone = _page(chromium, PHONE)
    phone.goto(f"{site}/track/{token}/")
    check_axe(phone)
    screenshot(phone, "phone-tracking-not-met")
    phone.get_by_role("link", name="Ask for an appeal").click()
    check_axe(phone)
    phone.locator("input[name=grounds]").first.check()
    phone.fill("#id_details", "Three incidents were reported but only two were counted.")
    phone.get_by_role("button", name="Send").click()
    assert phone.locator(".govuk-notification-banner--success").is_visible()
    check_axe(phone)
    from public.models import AppealRequest

    assert AppealRequest.objects.filter(case=case).count() == 1


def test_third_party_applies_on_a_desktop(chromium, site):
    """Someone applies for a business in Staffordshire, by mouse, on a desktop window."""
    page = _page(chromium, DESKTOP)
    today = timezone.localdate()

    def go(label="Continue"):
        page.get_by_role("button", name=label, exact=True).click()
        check_axe(page)

    page.goto(site + "/apply/postcode/")
    page.fill("#id_postcode", "ST16 2AB")
    go()
    screenshot(page, "case-review-staffordshire")
    go()
    page.check("input[name=applicant_type][value=third_party]")
    go()
    page.check("input[name=relationship][value=professional]")
    go()
    page.check("input[name=victim_consent][value=no]")
    go()
    assert page.locator(".govuk-error-summary").is_visible()  # the reason is needed
    page.fill("#id_consent_missing_reason", "The owner is in hospital.")
    go()
    page.check("input[name=kind][value=business]")
    go()
    page.fill("#id_name", "Corner Shop Ltd")
    page.fill("#id_organisation_contact", "Priya Shah")
    page.fill("#id_address_line_1", "1 Market Street")
    page.fill("#id_town", "Stafford")
    page.fill("#id_postcode", "ST16 2AB")
    go()
    page.fill("#id_name", "Jo Support-Worker")
    page.fill("#id_address_line_1", "Council Offices")
    page.fill("#id_town", "Stafford")
    page.fill("#id_postcode", "ST16 3AQ")
    go()
    page.check("input[name=preferred_contact][value=phone]")
    page.fill("#id_phone", "01785 000000")
    go()
    page.fill("#id_language", "Gujarati")
    go()
    page.fill("#id_summary", "Groups gather outside the shop, shout at staff and break windows.")
    go()
    happened = today - dt.timedelta(days=20)
    page.fill("#id_description", "Window smashed")
    page.fill("#id_incident_date_0", str(happened.day))
    page.fill("#id_incident_date_1", str(happened.month))
    page.fill("#id_incident_date_2", str(happened.year))
    page.select_option("#id_reported_to", label="Staffordshire Police")
    page.fill("#id_agency_reference", "SP-123")
    go()
    screenshot(page, "incidents-add-another")
    page.check("input[name=add_another][value=no]")
    go()
    page.fill("#id_impact", "Staff are frightened to come to work.")
    go()
    page.check("input[name=involvement][value=statement]")
    go()
    screenshot(page, "check-answers")
    go("Accept and send")
    screenshot(page, "confirmation")
    assert page.locator(".govuk-panel__body strong").inner_text().startswith("STA-")
    page.get_by_role("link", name="Follow the progress of your case").click()
    check_axe(page)
    assert "We have received your application" in page.content()
