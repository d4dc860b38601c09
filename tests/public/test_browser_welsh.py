"""Applying in Welsh, end to end, in a real browser (issue 19 part 2), with the WCAG 2.2
checks axe-core does not make on every page (part 3): target size, reflow at 320 px,
focus not obscured; and no redundant entry."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.public.browser import PHONE, check_wcag22, screenshot
from tests.public.test_browser import _page, chromium, site  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_in_welsh_in_cardiff(chromium, site):  # noqa: F811
    page = _page(chromium, PHONE)
    today = timezone.localdate()

    def go(label="Parhau"):
        with page.expect_navigation():
            page.get_by_role("button", name=label, exact=True).click()
        assert page.evaluate("() => document.documentElement.lang") == "cy", page.url
        check_wcag22(page)

    page.goto(site + "/apply/")
    with page.expect_navigation():
        page.get_by_role("button", name="Cymraeg").click()
    check_wcag22(page)
    assert "Gwneud cais am adolygiad achos ymddygiad gwrthgymdeithasol" in page.content()
    screenshot(page, "cy-phone-apply-start")
    start = page.locator("a.govuk-button--start")
    assert start.inner_text().strip() == "Dechrau nawr"
    with page.expect_navigation():
        start.click()
    page.fill("#id_postcode", "CF10 1EP")
    go()
    assert "/apply/case-review/" in page.url
    assert "Yn Cardiff, mae eich achos yn cyrraedd y trothwy" in page.content()
    screenshot(page, "cy-phone-case-review")
    go()
    page.check("input[name=applicant_type][value=victim]")
    go()
    page.check("input[name=kind][value=person]")
    go()
    page.fill("#id_name", "Alun Applicant")
    page.fill("#id_address_line_1", "2 Heol y Frenhines")
    page.fill("#id_town", "Caerdydd")
    page.fill("#id_postcode", "CF10 2BU")
    screenshot(page, "cy-phone-address")
    go()
    # The contact question is asked once; the email box appears under "E-bost".
    assert not page.locator("#id_email").is_visible()
    page.check("input[name=preferred_contact][value=email]")
    assert page.locator("#id_email").is_visible()
    page.fill("#id_email", "alun@example.org")
    screenshot(page, "cy-phone-contact")
    go()
    # No redundant entry (WCAG 2.2 SC 3.3.7): the email given is offered, not asked again.
    with page.expect_navigation():
        page.get_by_role("button", name="Cadw a dod yn ôl yn nes ymlaen").click()
    assert page.locator("#id_email").input_value() == "alun@example.org"
    with page.expect_navigation():
        page.get_by_role("link", name="Yn ôl").click()
    go()  # no extra needs
    page.fill("#id_summary", "Cerddoriaeth uchel a gweiddi bob nos.")
    go()
    for i in range(3):
        happened = today - dt.timedelta(days=60 - i * 15)
        page.fill("#id_description", f"Cerddoriaeth tan 3am ({i + 1})")
        page.fill("#id_incident_date_0", str(happened.day))
        page.fill("#id_incident_date_1", str(happened.month))
        page.fill("#id_incident_date_2", str(happened.year))
        go()
        page.check("input[name=add_another][value=" + ("yes" if i < 2 else "no") + "]")
        go()
    page.fill("#id_impact", "Nid wyf yn gallu cysgu.")
    go()
    # "Nid wyf eisiau cymryd rhan" is the exclusive none option: it unticks the others.
    page.check("input[name=involvement][value=statement]")
    page.check("input[name=involvement][value=neither]")
    assert not page.locator("input[name=involvement][value=statement]").is_checked()
    page.check("input[name=involvement][value=statement]")
    assert not page.locator("input[name=involvement][value=neither]").is_checked()
    screenshot(page, "cy-phone-involvement")
    go()
    assert page.url.endswith("/apply/check/")
    assert "Gwiriwch eich atebion cyn anfon eich cais" in page.content()
    screenshot(page, "cy-phone-check-answers")
    go("Derbyn ac anfon")
    assert page.url.endswith("/apply/sent/")
    assert "Cais wedi’i anfon" in page.content()
    assert "Rydym wedi anfon e-bost atoch" in page.content()
    screenshot(page, "cy-phone-confirmation")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("CDF-")
    email = mail.outbox[-1]
    assert "Rydym wedi cael eich cais" in email.body and reference in email.body
    assert email.subject.startswith("Cais am adolygiad achos")
    from cases.models import Case

    assert Case.objects.get(reference=reference).applicant.language == "Cymraeg (Welsh)"
    with page.expect_navigation():
        page.get_by_role("link", name="Dilyn hynt eich achos").click()
    check_wcag22(page)
    assert "Rydym wedi cael eich cais" in page.content()
    screenshot(page, "cy-phone-tracking")


def test_english_pages_pass_the_wcag22_checks_too(chromium, site):  # noqa: F811
    page = _page(chromium, PHONE)
    page.goto(site + "/apply/")
    check_wcag22(page)
    screenshot(page, "phone-apply-start")
    with page.expect_navigation():
        page.locator("a.govuk-button--start").click()
    check_wcag22(page)
    page.fill("#id_postcode", "WD6 1AA")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    check_wcag22(page)
