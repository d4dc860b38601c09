"""The panel chair's journey: their meetings, today's meeting on their home page, the
declaration before any personal data, opening only when the rules are met, and actions
added at the meeting."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from panels import services
from panels.models import Action
from panels.services import PanelError
from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(area, officer):
    case = case_ready_for_panel(area=area, officer=officer)
    return services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )


def test_the_chair_has_a_meetings_list_and_a_meeting_page(client, listing, users, officer):
    chair = users["hertsmere.chair"]
    client.force_login(chair)
    empty = client.get(reverse("panels:meetings"))
    assert empty.status_code == 200
    assert "not on the panel for any meeting" in empty.content.decode()
    seat(listing, [(chair, CHAIR)], by=officer, attended=False, declared=False)
    page = client.get(reverse("panels:meetings")).content.decode()
    assert reverse("panels:meeting", args=[listing.meeting_id]) in page
    meeting = client.get(reverse("panels:meeting", args=[listing.meeting_id])).content.decode()
    assert listing.case.reference in meeting
    assert "Not signed" in meeting and "Before it can open" in meeting
    # The chair cannot cancel the meeting: that is the administering body's.
    response = client.post(
        reverse("panels:meeting", args=[listing.meeting_id]), {"reason": "No quorum"}
    )
    assert response.status_code == 403


# Mid-morning, so "later today" is still today (run near midnight, the meeting fell in
# the past by the time it was scheduled).
@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/London")), tick=False)
def test_the_home_page_mentions_todays_meeting(client, area, officer, users):
    chair = users["hertsmere.chair"]
    case = case_ready_for_panel(area=area, officer=officer)
    later_today = timezone.localtime() + dt.timedelta(hours=1)
    meeting = services.meeting_schedule_ad_hoc(
        area=area, by=officer, starts_at=later_today, purpose="Case review"
    )
    listing = services.case_list_for_meeting(case=case, meeting=meeting, by=officer)
    seat(listing, [(chair, CHAIR)], by=officer, attended=False, declared=False)
    client.force_login(chair)
    home = client.get(reverse("home")).content.decode()
    assert "Your panel meeting today" in home
    assert reverse("panels:meeting", args=[meeting.pk]) in home


def test_the_declaration_gates_every_page_with_personal_data(client, listing, users, officer):
    chair = users["hertsmere.chair"]  # fire service: sees the case only as its chair
    seat(listing, [(chair, CHAIR)], by=officer, declared=False)
    client.force_login(chair)
    reference = listing.case.reference
    victim = listing.case.victim.name
    for url in (
        reverse("cases:detail", args=[reference]),
        reverse("thresholds:case", args=[reference]),
        reverse("panels:chairs_pack", args=[listing.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        body = response.content.decode()
        assert victim not in body
        assert f"{reverse('panels:listing', args=[listing.pk])}#declaration" in body
    panel = client.get(reverse("panels:listing", args=[listing.pk])).content.decode()
    assert "once you have signed the declaration" in panel
    client.post(reverse("panels:listing", args=[listing.pk]), {"op": "declare"})
    assert client.get(reverse("cases:detail", args=[reference])).status_code == 200
    assert client.get(reverse("thresholds:case", args=[reference])).status_code == 200
    assert client.get(reverse("panels:chairs_pack", args=[listing.pk])).status_code == 200


def test_the_declaration_does_not_hold_back_the_administering_body(client, listing, officer):
    seat(listing, [(officer, MEMBER)], by=officer, declared=False)
    client.force_login(officer)
    assert client.get(reverse("cases:detail", args=[listing.case.reference])).status_code == 200


def test_a_meeting_does_not_open_until_everyone_attending_has_signed(listing, users, officer):
    chair, spoc, housing = (
        users["hertsmere.chair"],
        users["hertsmere.spoc"],
        users["hertsmere.housing"],
    )
    seat(listing, [(chair, CHAIR), (spoc, MEMBER), (housing, MEMBER)], by=officer, declared=False)
    seat(listing, [(officer, MEMBER)], by=officer, declared=True)
    with pytest.raises(PanelError) as refused:
        services.listing_open(listing=listing, by=chair)
    reasons = " ".join(refused.value.reasons)
    for person in (chair, spoc, housing):
        assert str(person) in reasons
    assert str(officer) not in reasons.split("not yet signed by")[-1]
    for person in (chair, spoc, housing):
        services.declaration_sign(listing=listing, by=person)
    listing.refresh_from_db()
    opened, _warnings = services.listing_open(listing=listing, by=chair)
    assert opened.status == "open"


def test_the_chair_sees_what_blocks_opening_and_adds_actions_at_the_meeting(
    client, listing, users, officer
):
    chair = users["hertsmere.chair"]
    members = [users["hertsmere.spoc"], users["hertsmere.housing"], officer]
    seat(listing, [(chair, CHAIR)] + [(m, MEMBER) for m in members], by=officer)
    client.force_login(chair)
    url = reverse("panels:listing", args=[listing.pk])
    page = client.get(url).content.decode()
    assert "Before the meeting can open" not in page  # everyone attending has signed
    response = client.post(url, {"op": "open"}, follow=True)
    assert "The meeting is open." in response.content.decode()
    page = client.get(url).content.decode()
    assert "Add an action" in page
    due = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        url,
        {
            "op": "action",
            "action-what": "Fit a door entry system",
            "action-why": "Stops people loitering in the stairwell",
            "action-owner": officer.pk,
            "action-agency": officer.agency_id,
            "action-due_on_0": due.day,
            "action-due_on_1": due.month,
            "action-due_on_2": due.year,
        },
        follow=True,
    )
    body = response.content.decode()
    assert Action.objects.filter(listing=listing, what="Fit a door entry system").exists(), body
    assert "Action added to the plan." in body
