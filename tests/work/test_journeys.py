"""Officer, SPOC and chair find their next piece of work from their home page, in a real
browser, through a Hertsmere and a Merton case: at every stage the case page's primary
button is that person's next step (and doing it moves the case on), each piece of work
appears in the right person's queue, each notification is emailed once, and axe-core
passes on every page. The appeal reviewer, the partnership admin and the monitor find
theirs (an appeal assigned, a breach in the area, the figures) the same way.

Each journey counts the pages it loads and the clicks it makes from the home page to the
work done (``Journey``), the figures the issue's closing note asks for.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Case, CaseAgency
from cases.services import case_involve_agency
from cases.steps import task_list
from panels import services as panels
from panels.constants import MemberRole
from panels.models import PanelMember
from partnerships.models import Agency
from tests.conftest import chromium_path
from tests.factories import receive_case
from tests.panels.factories import meeting_in, seat
from tests.public.browser import CHROMIUM_ARGS, DESKTOP, check_axe
from thresholds.models import BodyView

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = {
    # area: (officer, police SPOC, police agency, chair)
    "hertsmere": (
        "hertsmere.officer",
        "hertsmere.spoc",
        "hertfordshire-constabulary",
        "hertsmere.chair",
    ),
    "merton": ("merton.officer", "merton.police", "merton-police", "merton.chair"),
}


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Journey:
    """A person's way through the pages: every page checked with axe-core, and counted."""

    page: object
    base: str
    user: object
    pages: int = 0
    clicks: int = 0
    seen: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self._arrived()

    def click(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()
        self.clicks += 1
        self._arrived()

    def _arrived(self) -> None:
        self.pages += 1
        self.seen.append(self.page.url.removeprefix(self.base))
        check_axe(self.page)

    def primary(self, case) -> str:
        """The case page's primary button, checked against the case's task list: the
        button is the next step this person can do (or there is none for them)."""
        button = self.page.locator("#next-step")
        mine = task_list(case=Case.objects.get(pk=case.pk), user=self.user).my_next_step
        if mine is None:
            assert button.count() == 0, button.text_content()
            return ""
        if mine.status == "blocked":  # the button goes to where the blockers are put right
            blocked = self.page.locator("#next-step-blocked").text_content()
            assert all(reason in blocked for reason in mine.blocked_reasons)
        assert button.count() == 1
        text = " ".join(button.text_content().split())
        assert text == mine.action_label
        assert button.get_attribute("href") == mine.url
        return text

    def look_at_case(self, case) -> str:
        """Open the case page to read its primary button, outside the journey's count (a
        person doing the work need not open it)."""
        self.page.goto(self.base + reverse("cases:detail", args=[case.reference]))
        check_axe(self.page)
        return self.primary(case)

    def queue(self, key: str):
        return self.page.locator(f'table[data-queue="{key}"]')

    def nav_count(self) -> int:
        return int(self.page.locator("[data-work-count]").get_attribute("data-work-count"))


def signed_in(chromium, client, base, user) -> Journey:
    client.force_login(user)
    context = chromium.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return Journey(page=context.new_page(), base=base, user=user)


def emails_to(user, subject_part: str) -> list:
    return [m for m in mail.outbox if user.email in m.to and subject_part in m.subject]


@pytest.mark.parametrize("area_slug", SEEDS)
def test_officer_spoc_and_chair_find_their_work_on_their_home_page(
    chromium, client, live_server, settings, reference, users, area_slug
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    officer_name, spoc_name, police_slug, chair_name = SEEDS[area_slug]
    officer, spoc, chair = users[officer_name], users[spoc_name], users[chair_name]
    area = reference["areas"][area_slug]
    police = Agency.objects.get(slug=police_slug)
    mail.outbox.clear()

    # An application arrives (recorded by whoever took the call); the police are on it.
    case = receive_case(area=area, by=officer)
    case_involve_agency(case=case, agency=police, by=officer)
    assert len(emails_to(officer, case.reference)) == 1

    # -- the officer: the new application is at the top of their work ----------------
    journey = signed_in(chromium, client, base, officer)
    journey.open(reverse("home"))
    new = journey.queue("new_applications")
    assert case.reference in new.text_content()
    assert journey.nav_count() >= 1
    journey.click(new.get_by_role("link", name="Acknowledge the new application").first)
    assert journey.page.url.endswith(reverse("cases:detail", args=[case.reference]))
    # At each stage the primary button is the next step, and it does the step. The first
    # acknowledges by sending the CR1 letter (the letter is the evidence).
    assert journey.primary(case) == "Acknowledge and send the CR1 letter"
    journey.click(journey.page.locator("#next-step"))
    assert journey.page.url.endswith("/CR1/send/")
    journey.page.get_by_label("Post", exact=True).check()
    journey.click(journey.page.locator("main form button[type=submit]").last)
    case.refresh_from_db()
    assert case.state == "acknowledged"
    if not journey.page.locator("#next-step").count():
        journey.open(reverse("cases:detail", args=[case.reference]))
    assert journey.primary(case) == "Ask the relevant bodies for their responses"
    journey.click(journey.page.locator("#next-step"))
    journey.click(journey.page.locator("main form button[type=submit]").first)
    case.refresh_from_db()
    assert case.state == "gathering_information"
    assert journey.look_at_case(case) == "Record an agency response"
    journey.open(reverse("home"))
    assert journey.queue("new_applications").count() == 0 or (
        case.reference not in journey.queue("new_applications").text_content()
    )
    officer_pages = (journey.pages, journey.clicks)

    # -- the police SPOC: asked once by email, the response is first in their work ----
    asked = emails_to(spoc, case.reference)
    assert len(asked) == 1, [m.subject for m in mail.outbox]
    respond = reverse("work:respond", args=[case.reference])
    assert base + respond in asked[0].body
    journey = signed_in(chromium, client, base, spoc)
    assert journey.look_at_case(case) == "Give your agency's response"
    journey.open(reverse("home"))
    owed = journey.queue("responses_owed")
    assert case.reference in owed.text_content()
    before = journey.nav_count()
    journey.click(owed.get_by_role("link", name=f"Give {police.name}'s response"))
    page = journey.page
    page.get_by_label("Reports your agency holds").fill("3 March 2026, ref P/1: noise.")
    page.get_by_label("What your agency has done").fill("Visited on 4 March 2026.")
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Why").fill("Three reports within six months.")
    page.get_by_label("Risk your agency knows of").fill("None known")
    journey.click(page.get_by_role("button", name="Send the response"))
    assert "response is recorded" in page.text_content("main")
    assert journey.nav_count() == before - 1
    involvement = CaseAgency.objects.get(case=case, agency=police)
    assert involvement.reports_held == "3 March 2026, ref P/1: noise."
    assert BodyView.objects.filter(case=case, agency=police, view="met").exists()
    assert journey.look_at_case(case) != "Give your agency's response"
    spoc_pages = (journey.pages, journey.clicks)

    # -- the chair: put on the panel by the officer, told once, signs from their work ---
    case = Case.objects.get(pk=case.pk)
    if case.state == "gathering_information" and not panels.decided_at_meeting(case):
        from cases.services import case_transition

        case = case_transition(
            case=case, name="record_threshold_met", by=officer, reason="Three incidents"
        )
    listing = panels.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    seat(listing, [(chair, MemberRole.CHAIR)], by=officer, attended=False, declared=False)
    journey = signed_in(chromium, client, base, chair)
    journey.open(reverse("home"))
    declarations = journey.queue("declarations")
    assert case.reference in declarations.text_content()
    assert case.reference in journey.queue("meetings_i_chair").text_content()
    journey.click(declarations.get_by_role("link", name="Sign the declaration"))
    journey.click(journey.page.get_by_role("button", name="I agree: sign the declaration"))
    assert PanelMember.objects.get(listing=listing, user=chair).declared_at is not None
    # Only the chair is seated, so the panel rules block the meeting: the chair's primary
    # button goes to completing the panel, with the rules' reasons beside it.
    assert journey.look_at_case(case) == "Complete the panel"
    journey.open(reverse("home"))
    assert journey.queue("declarations").count() == 0
    chair_pages = (journey.pages, journey.clicks)
    listed = emails_to(chair, case.reference)
    assert len(listed) == 1 and "declaration" in listed[0].body

    # Each notification went once, however many pages were loaded since.
    assert len(emails_to(officer, "new application")) <= 1
    assert len(emails_to(spoc, case.reference)) == 1
    print(
        f"\n{area_slug}: officer {officer_pages}, SPOC {spoc_pages}, chair {chair_pages} "
        "(pages, clicks)"
    )


OTHER_ROLES = {
    # area: (officer, reviewer, partnership admin)
    "hertsmere": ("hertsmere.officer", "hertsmere.reviewer", "hertsmere.admin"),
    "merton": ("merton.officer", "merton.reviewer", "merton.admin"),
}


@pytest.mark.parametrize("area_slug", OTHER_ROLES)
def test_reviewer_admin_and_monitor_find_their_work_on_their_home_page(
    chromium, client, live_server, settings, reference, users, area_slug
):
    from appeals.models import Appeal
    from deadlines.models import Deadline
    from tests.appeals.factories import threshold_not_met_case
    from tests.appeals.test_services import lodge

    settings.SITE_URL = live_server.url
    base = live_server.url
    officer, reviewer, admin = (users[n] for n in OTHER_ROLES[area_slug])
    mail.outbox.clear()

    # -- the reviewer: an appeal is lodged; they are told once and it is in their work --
    case = threshold_not_met_case(reference, area_slug)
    appeal = lodge(case, officer)
    assert appeal.reviewer == reviewer
    told = [m for m in mail.outbox if reviewer.email in m.to and "appeal" in m.subject]
    assert len(told) == 1
    link = reverse("appeals:detail", args=[appeal.pk])
    assert base + link in told[0].body
    journey = signed_in(chromium, client, base, reviewer)
    journey.open(reverse("home"))
    appeals = journey.queue("appeals")
    assert case.reference in appeals.text_content()
    assert journey.nav_count() >= 1
    journey.click(appeals.locator(f'a[href="{link}"]').first)
    assert journey.page.url.endswith(link)
    assert Appeal.objects.filter(pk=appeal.pk, reviewer=reviewer).exists()
    reviewer_pages = (journey.pages, journey.clicks)

    # -- the partnership admin: a deadline on an area case breached, first in their work --
    late = receive_case(area=reference["areas"][area_slug], by=officer)
    Deadline.objects.filter(case=late).update(due=late.received_on - dt.timedelta(days=30))
    journey = signed_in(chromium, client, base, admin)
    journey.open(reverse("home"))
    breaches = journey.queue("breaches")
    assert late.reference in breaches.text_content()
    assert "Overdue" in breaches.text_content()
    journey.click(breaches.get_by_role("link").first)
    assert late.reference in journey.page.text_content("main")
    admin_pages = (journey.pages, journey.clicks)

    # -- the monitor: figures only, never a case or a name -------------------------------
    monitor = users["staffordshire.monitor"]
    journey = signed_in(chromium, client, base, monitor)
    journey.open(reverse("home"))
    assert journey.queue("figures").count() == 1
    home = journey.page.text_content("main")
    assert case.reference not in home and late.reference not in home
    assert journey.nav_count() == 0
    journey.click(journey.queue("figures").get_by_role("link").first)
    monitor_pages = (journey.pages, journey.clicks)
    print(
        f"\n{area_slug}: reviewer {reviewer_pages}, admin {admin_pages}, "
        f"monitor {monitor_pages} (pages, clicks)"
    )
