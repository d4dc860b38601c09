"""Panels pages: the diary, listing a case, the panel page, the chair's pack, my actions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLogEntry
from panels import services
from panels.constants import ActionStatus
from panels.models import Meeting
from panels.services import ActionInput
from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(area, officer):
    case = case_ready_for_panel(area=area, officer=officer)
    return services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )


def test_diary_schedules_standing_meetings(client, officer, area):
    client.force_login(officer)
    response = client.post(reverse("panels:meetings"), {"area": "hertsmere", "op": "standing"})
    assert response.status_code == 302
    assert Meeting.objects.filter(area=area, kind="standing").exists()
    page = client.get(reverse("panels:meetings"))
    assert "Standing monthly meeting" in page.content.decode()


def test_diary_is_for_case_officers(client, users):
    client.force_login(users["hertsmere.spoc"])  # a panel member: their meetings, no diary
    page = client.get(reverse("panels:meetings")).content.decode()
    assert "Meetings you sit on" in page and "Schedule an ad hoc meeting" not in page
    response = client.post(reverse("panels:meetings"), {"area": "hertsmere", "op": "standing"})
    assert response.status_code == 403
    client.force_login(users["hertsmere.reviewer"])  # sits on no panel
    assert client.get(reverse("panels:meetings")).status_code == 403


def test_list_a_case_from_the_case_page(client, officer, area):
    case = case_ready_for_panel(area=area, officer=officer)
    meeting = meeting_in(area, by=officer)
    client.force_login(officer)
    detail = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert reverse("panels:list_case", args=[case.reference]) in detail
    response = client.post(
        reverse("panels:list_case", args=[case.reference]), {"meeting": meeting.pk}
    )
    assert response.status_code == 302
    assert case.panel_listings.count() == 1


def test_panel_page_explains_the_rules_and_blocks_opening(client, listing, officer):
    client.force_login(officer)
    url = reverse("panels:listing", args=[listing.pk])
    page = client.get(url).content.decode()
    assert "Quorum: at least 3 relevant bodies" in page
    response = client.post(url, {"op": "open"}, follow=True)
    assert "cannot open yet" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == "listed"


def test_outsiders_cannot_see_the_panel(client, listing, users):
    client.force_login(users["staffordshire.officer"])
    assert client.get(reverse("panels:listing", args=[listing.pk])).status_code == 404


def test_declaration_before_the_chairs_pack(client, listing, users, officer):
    chair = users["hertsmere.chair"]
    seat(listing, [(chair, CHAIR)], by=officer, declared=False)
    client.force_login(chair)
    pack = reverse("panels:chairs_pack", args=[listing.pk])
    refused = client.get(pack)
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Sign the information-sharing declaration to open the chair&#x27;s pack." in page
    assert f'href="{reverse("panels:listing", args=[listing.pk])}#declaration"' in page
    client.post(reverse("panels:listing", args=[listing.pk]), {"op": "declare"})
    response = client.get(pack)
    assert response.status_code == 200
    assert "Terms of reference" in response.content.decode()
    assert AccessLogEntry.objects.filter(user=chair, target="Chair's pack").exists()


def test_owner_updates_an_action_from_my_actions(client, listing, users, officer):
    spoc = users["hertsmere.spoc"]
    seat(
        listing,
        [
            (users["hertsmere.chair"], CHAIR),
            (officer, MEMBER),
            (spoc, MEMBER),
            (users["hertsmere.housing"], MEMBER),
        ],
        by=officer,
    )
    services.listing_open(listing=listing, by=officer)
    action = services.action_add(
        case=listing.case,
        by=officer,
        listing=listing,
        data=ActionInput(
            what="Patrol the estate on Fridays",
            why="Hotspot",
            owner=spoc,
            due_on=timezone.localdate() + dt.timedelta(days=7),
        ),
    )
    client.force_login(spoc)
    page = client.get(reverse("panels:my_actions")).content.decode()
    assert "Patrol the estate" in page
    url = reverse("panels:action", args=[action.pk])
    bad = client.post(url, {"op": "update", "update-status": "delayed"})
    assert "Say why the action is delayed" in bad.content.decode()
    client.post(url, {"op": "update", "update-status": "delayed", "update-reason": "Staff off"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DELAYED
    client.force_login(officer)
    client.post(url, {"op": "bau", "reason-reason": "Routine patrols continue"})
    action.refresh_from_db()
    assert action.status == ActionStatus.BUSINESS_AS_USUAL


def test_pages_render_for_the_demo_meeting(client, reference, officer):
    import io

    from cases import demo as case_demo
    from panels import demo
    from panels.models import Listing
    from thresholds.demo import decide_demo_cases

    case_demo.load_demo(io.StringIO())
    decide_demo_cases()
    demo.load_demo(io.StringIO())
    listing = Listing.objects.get(case__area__slug="hertsmere")
    client.force_login(officer)
    page = client.get(reverse("panels:listing", args=[listing.pk])).content.decode()
    for text in (
        "Apologies",
        "Jo Reed (Victim Support)",
        "Withheld from victim",
        "Interim",
        "Agrees with the plan",
    ):
        assert text in page
    case_page = client.get(reverse("cases:panel", args=[listing.case.reference])).content.decode()
    assert "Panel and action plan" in case_page and "community protection warning" in case_page
    assert client.get(reverse("panels:meeting", args=[listing.meeting_id])).status_code == 200
    action = listing.actions.get(interim=True)
    action_page = client.get(reverse("panels:action", args=[action.pk])).content.decode()
    assert "video doorbell" in action_page
    merton = Listing.objects.get(case__area__slug="merton")
    client.force_login(reference["users"]["merton.chair"])
    page = client.get(reverse("panels:listing", args=[merton.pk])).content.decode()
    assert "the core panel is fixed" in page


def test_add_and_remove_a_member_on_the_panel_page(client, listing, users, officer):
    client.force_login(officer)
    url = reverse("panels:listing", args=[listing.pk])
    spoc = users["hertsmere.spoc"]
    client.post(url, {"op": "member", "member-user": spoc.pk, "member-role": "member"})
    member = listing.members.get(user=spoc)
    assert member.agency.slug == "hertfordshire-constabulary"
    client.post(url, {"op": "remove", "member": member.pk})
    assert not listing.members.exists()


def test_the_chairs_pack_pdf_also_waits_for_the_declaration(client, listing, users, officer):
    """The PDF from the letters app obeys the same rule as the on-screen pack."""
    chair = users["hertsmere.chair"]
    seat(listing, [(chair, CHAIR)], by=officer, declared=False)
    client.force_login(chair)
    pdf = reverse("letters:chairs_pack", args=[listing.case.reference])
    refused = client.get(pdf)
    assert refused.status_code == 403
    assert "Sign the declaration on the panel page" in refused.content.decode()
    client.post(reverse("panels:listing", args=[listing.pk]), {"op": "declare"})
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
