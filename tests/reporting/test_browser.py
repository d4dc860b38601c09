"""The statistics pages in a real browser: axe-core WCAG 2.2 AA, and publishing by clicks."""

import datetime as dt

import pytest
import time_machine

from reporting.models import DataReturn, Publication
from tests.conftest import chromium_path
from tests.public.browser import CHROMIUM_ARGS, DESKTOP, PHONE, check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _signed_in(chromium, client, live_server, user, viewport=DESKTOP):
    client.force_login(user)
    context = chromium.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_admin_publishes_and_the_public_sees_it(chromium, client, live_server, users, year_2026):
    with time_machine.travel(dt.datetime(2027, 6, 1, 10, tzinfo=dt.UTC), tick=True):
        page = _signed_in(chromium, client, live_server, users["hertsmere.admin"])
        page.goto(live_server.url + "/staff/reporting/?year=2026")
        check_axe(page)
        page.get_by_role("link", name="Publish a year's figures").click()
        check_axe(page)
        page.get_by_label("Financial year", exact=True).select_option("2026")
        page.get_by_role("button", name="Publish Hertsmere").click()
        # Publishing cannot be undone, so it is confirmed on a page of its own first.
        page.get_by_role("button", name="Publish the figures").click()
        assert "figures are published" in page.text_content("main")
        assert Publication.objects.filter(area__slug="hertsmere", year=2026).exists()
        page.get_by_label("Financial year of the data return").select_option("2026")
        page.get_by_role("button", name="Produce the data return for Hertsmere").click()
        assert "data return is ready to download" in page.text_content("main")
        check_axe(page)
        assert DataReturn.objects.filter(area__slug="hertsmere", year=2026).exists()
        public = chromium.new_context(viewport=PHONE).new_page()
        public.goto(live_server.url + "/statistics/")
        check_axe(public)
        public.get_by_role("link", name="Hertsmere").click()
        check_axe(public)
        assert "2026-27" in public.text_content("#published-figures")


def test_monitoring_page_is_accessible(chromium, client, live_server, users, year_2026):
    page = _signed_in(chromium, client, live_server, users["bedfordshire.monitor"])
    page.goto(live_server.url + "/staff/reporting/monitoring/?force=Bedfordshire&year=2026")
    check_axe(page)
    assert "Bedford Borough" in page.text_content("#areas-table")
