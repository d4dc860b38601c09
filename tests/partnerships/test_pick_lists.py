"""Least privilege in pick-lists: every drop-down of staff or agencies on a case's pages
offers only the case's area and the agencies involved (plus people the area gave a role,
such as Hertsmere's appeal reviewer from Watford), and a posted id from another area is
refused at the field, whether or not it was ever in the list."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appeals.services import appeal_lodge
from cases.constants import Channel
from panels import services as panel_services
from panels.models import Action, PanelMember
from panels.services import ActionInput
from partnerships.constants import PickPurpose
from partnerships.models import Agency, User
from partnerships.selectors import agencies_choosable_for, staff_choosable_for
from tests.appeals.factories import threshold_not_met_case
from tests.panels.factories import case_ready_for_panel, meeting_in

pytestmark = pytest.mark.django_db

SELECT = re.compile(r'<select[^>]*\bname="(?P<name>[^"]+)"[^>]*>(?P<body>.*?)</select>', re.S)
OPTION = re.compile(r'<option[^>]*\bvalue="(\d+)"')
RADIO = re.compile(r'<input[^>]*type="radio"[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<v>\d+)"')


def pick_lists(html: str) -> dict[str, set[int]]:
    """Every select (and numeric radio group) on the page: field name -> offered ids."""
    found: dict[str, set[int]] = {}
    for match in SELECT.finditer(html):
        found.setdefault(match["name"], set()).update(int(v) for v in OPTION.findall(match["body"]))
    for match in RADIO.finditer(html):
        found.setdefault(match["name"], set()).add(int(match["v"]))
    return found


STAFF_FIELDS = {"officer", "reviewer", "member-user", "action-owner", "owner"}
AGENCY_FIELDS = {
    "receipt-forwarded_by_agency",
    "reported_to",
    "agency",
    "member-agency",
    "action-agency",
    "vote-agency",
    "body",
}


def person_in_scope(person: User, case) -> bool:
    """Holds a role in the case's area (however far away their agency is), or works for
    an agency involved in the case."""
    if person.role_assignments.filter(area=case.area).exists():
        return True
    return case.involvements.filter(agency_id=person.agency_id).exists()


def agency_in_scope(agency: Agency, case_or_area) -> bool:
    area = getattr(case_or_area, "area", case_or_area)
    if agency.areas.filter(pk=area.pk).exists() or area.administering_agency_id == agency.pk:
        return True
    involvements = getattr(case_or_area, "involvements", None)
    return bool(involvements and involvements.filter(agency=agency).exists())


def assert_scoped(html: str, case_or_area, where: str) -> int:
    """No option on the page belongs to another area; returns how many lists were checked."""
    checked = 0
    for name, ids in pick_lists(html).items():
        field = name.split("-", 1)[1] if name.startswith("incidents-") else name
        field = re.sub(r"^\d+-", "", field)
        if name in STAFF_FIELDS:
            checked += 1
            for person in User.objects.filter(pk__in=ids):
                assert person_in_scope(person, case_or_area), f"{where}: {name} offers {person}"
        elif name in AGENCY_FIELDS or field in AGENCY_FIELDS:
            checked += 1
            for agency in Agency.objects.filter(pk__in=ids):
                assert agency_in_scope(agency, case_or_area), f"{where}: {name} offers {agency}"
    return checked


@pytest.fixture
def devon(reference):
    return reference["areas"]["devon-and-cornwall"]


@pytest.fixture
def devon_users(reference):
    return {n: u for n, u in reference["users"].items() if n.startswith("devon.")}


@pytest.fixture
def listing(devon, users):
    officer = users["devon.officer"]
    case = case_ready_for_panel(area=devon, officer=officer)
    return panel_services.case_list_for_meeting(
        case=case, meeting=meeting_in(devon, by=officer), by=officer
    )


@pytest.fixture
def appeal(reference, users):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    return appeal_lodge(
        case=case,
        by=users["devon.officer"],
        grounds=["A"],
        applicant_words="Nobody listened.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )


def test_every_pick_list_on_a_devon_case_offers_only_devon(
    client, devon, devon_users, listing, appeal
):
    case = listing.case
    pages = [
        (reverse("cases:receive") + "?area=devon-and-cornwall", devon),
        (reverse("cases:incident_add", args=[case.reference]), case),
        (reverse("cases:agency_response", args=[case.reference]), case),
        (reverse("cases:assign_officer", args=[case.reference]), case),
        (reverse("panels:interim_action", args=[case.reference]), case),
        (reverse("panels:listing", args=[listing.pk]), case),
        (reverse("thresholds:record_view", args=[case.reference]), case),
        (reverse("appeals:assign", args=[appeal.pk]), appeal.case),
        (reverse("appeals:decide", args=[appeal.pk]), appeal.case),
    ]
    lists_checked = 0
    for username, user in devon_users.items():
        client.force_login(user)
        for url, scope in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue
            lists_checked += assert_scoped(response.content.decode(), scope, f"{username} {url}")
    # The officer alone sees every page: each of them had at least one list to check.
    assert lists_checked >= len(pages)


def test_merton_staff_and_the_staffordshire_monitor_are_not_offered_on_devon_pages(
    client, users, listing
):
    client.force_login(users["devon.officer"])
    interim = client.get(reverse("panels:interim_action", args=[listing.case.reference]))
    panel = client.get(reverse("panels:listing", args=[listing.pk]))
    for page in (interim, panel):
        html = page.content.decode()
        for outsider in ("merton.officer", "staffordshire.monitor", "hertsmere.officer"):
            assert users[outsider].get_full_name() not in html
        assert "Safer Merton" not in html
        assert "Staffordshire" not in html
    # Devon's own people are there.
    assert users["devon.spoc"].get_full_name() in interim.content.decode()


def test_a_posted_owner_from_another_area_is_refused_at_the_field(client, users, listing):
    case = listing.case
    client.force_login(users["devon.officer"])
    response = client.post(
        reverse("panels:interim_action", args=[case.reference]),
        {
            "what": "Visit the victim",
            "why": "Immediate risk",
            "owner": users["merton.officer"].pk,
            "due_on_0": "1",
            "due_on_1": "1",
            "due_on_2": str(timezone.localdate().year + 1),
        },
    )
    assert response.status_code == 200
    assert "Choose a person from the list." in response.content.decode()
    assert not Action.objects.filter(case=case).exists()


def test_a_posted_agency_or_member_from_another_area_is_refused(client, users, listing):
    url = reverse("panels:listing", args=[listing.pk])
    client.force_login(users["devon.officer"])
    merton = Agency.objects.get(slug="safer-merton")
    page = client.post(
        url,
        {
            "op": "member",
            "member-user": users["devon.spoc"].pk,
            "member-role": "member",
            "member-agency": merton.pk,
        },
    )
    assert "Choose an agency from the list." in page.content.decode()
    page = client.post(
        url, {"op": "member", "member-user": users["merton.officer"].pk, "member-role": "member"}
    )
    assert "Choose a person from the list." in page.content.decode()
    assert not PanelMember.objects.filter(listing=listing).exists()


def test_other_pages_refuse_another_areas_ids(client, users, listing, appeal):
    case = listing.case
    client.force_login(users["devon.officer"])
    merton = Agency.objects.get(slug="safer-merton")
    refused = [
        (
            reverse("cases:assign_officer", args=[case.reference]),
            {"officer": users["merton.officer"].pk},
            "Choose a person from the list.",
        ),
        (
            reverse("cases:agency_response", args=[case.reference]),
            {"agency": merton.pk, "reports_held": "x", "actions_taken": "y"},
            "Choose an agency from the list.",
        ),
        (
            reverse("cases:incident_add", args=[case.reference]),
            {
                "incident_date_0": "1",
                "incident_date_1": "1",
                "incident_date_2": "2026",
                "description": "x",
                "kind": "report",
                "reported_to": merton.pk,
            },
            "Choose an agency from the list.",
        ),
        (
            reverse("appeals:assign", args=[appeal.pk]),
            {"reviewer": users["merton.reviewer"].pk},
            "Choose a person from the list.",
        ),
        (
            reverse("appeals:decide", args=[appeal.pk]),
            {"outcome": "upheld", "summary": "x", "kind": "", "body": merton.pk},
            "Choose an agency from the list.",
        ),
    ]
    for url, data, message in refused:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert message in response.content.decode(), url
    case.refresh_from_db()
    assert case.case_officer_id != users["merton.officer"].pk


def test_services_refuse_another_areas_people_even_without_a_form(users, listing):
    case = listing.case
    officer = users["devon.officer"]
    with pytest.raises(ValidationError) as exc:
        panel_services.panel_member_add(listing=listing, by=officer, user=users["merton.officer"])
    assert "user" in exc.value.error_dict
    assert users["merton.officer"].get_full_name() not in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        panel_services.action_add(
            case=case,
            by=officer,
            interim=True,
            data=ActionInput(
                what="x",
                why="y",
                owner=users["staffordshire.monitor"],
                due_on=timezone.localdate(),
            ),
        )
    assert "owner" in exc.value.error_dict
    from cases.services import case_assign_officer

    with pytest.raises(ValidationError):
        case_assign_officer(case=case, by=officer, officer=users["merton.officer"])


def test_hertsmere_keeps_its_reviewer_from_another_partnership(reference, users):
    case = threshold_not_met_case(reference, "hertsmere")
    reviewers = staff_choosable_for(case=case, purpose=PickPurpose.APPEAL_REVIEWER)
    assert list(reviewers) == [users["hertsmere.reviewer"]]
    assert users["hertsmere.reviewer"].agency.slug == "watford-borough-council"
    # The independent chair from the fire service is offered for the panel too.
    members = staff_choosable_for(case=case, purpose=PickPurpose.PANEL_MEMBER)
    assert users["hertsmere.chair"] in members
    assert users["merton.officer"] not in members
    # Clarion works in Hertsmere and Merton: its staff may sit on a Hertsmere panel.
    assert users["hertsmere.housing"] in members


def test_a_monitor_is_never_offered_even_when_their_agency_is_involved(reference, users):
    from cases.services import case_involve_agency

    area = reference["areas"]["staffordshire"]
    case = threshold_not_met_case(reference, "staffordshire")
    commissioner = Agency.objects.get(slug="staffordshire-commissioner")
    case_involve_agency(case=case, agency=commissioner, by=users["staffordshire.officer"])
    owners = staff_choosable_for(case=case, purpose=PickPurpose.ACTION_OWNER)
    assert users["staffordshire.monitor"] not in owners
    assert users["staffordshire.reviewer"] in owners
    assert commissioner in agencies_choosable_for(case=case)
    assert not agencies_choosable_for(area=area).filter(slug="safer-merton").exists()
