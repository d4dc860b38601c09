"""Each seed area end to end: panel -> action plan -> review recorded -> outcome letter,
with a withheld action that the outcome letter leaves out."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.constants import CaseState, RiskLevel
from cases.services import case_transition
from panels import selectors, services
from panels.constants import ActionStatus, VictimAttendance
from panels.services import ActionInput, PanelError
from partnerships.constants import Role
from partnerships.models import Agency, RoleAssignment, User
from tests.factories import PersonInputFactory
from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, fresh, meeting_in, seat
from tests.system import needs_poppler, pdf_words

pytestmark = [pytest.mark.django_db, pytest.mark.e2e]

AREAS = {
    # area: (case officer, [(member usernames or "agency-slug" for a new member, role)])
    "staffordshire": (
        "staffordshire.officer",
        ["staffordshire.spoc", "@staffordshire-icb"],
        "staffordshire.chair",
    ),
    "hertsmere": ("hertsmere.officer", ["hertsmere.spoc", "hertsmere.housing"], "hertsmere.chair"),
    "devon-and-cornwall": ("devon.officer", ["devon.spoc"], "devon.chair"),
    "bedford": ("bedford.officer", ["bedford.spoc"], "bedford.chair"),
    "merton": ("merton.officer", ["merton.police", "hertsmere.housing"], "merton.chair"),
}


def member_at(agency_slug: str, area) -> User:
    agency = Agency.objects.get(slug=agency_slug)
    user, _ = User.objects.get_or_create(
        username=f"{agency_slug}.member",
        defaults={
            "agency": agency,
            "first_name": "Pat",
            "last_name": agency.name.split()[0],
            "email": f"member@{agency_slug}.example",
        },
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.PANEL_MEMBER, area=area)
    return user


def people(reference, area_slug):
    users = reference["users"]
    area = reference["areas"][area_slug]
    officer_name, member_names, chair_name = AREAS[area_slug]
    members = [member_at(n[1:], area) if n.startswith("@") else users[n] for n in member_names]
    return area, users[officer_name], members, users[chair_name]


@needs_poppler
@pytest.mark.parametrize("area_slug", list(AREAS))
def test_panel_to_outcome_letter(reference, area_slug):
    area, officer, members, chair = people(reference, area_slug)
    case = case_ready_for_panel(area=area, officer=officer)
    decided_at_meeting = services.decided_at_meeting(case)
    assert case.state == (
        CaseState.GATHERING_INFORMATION if decided_at_meeting else CaseState.THRESHOLD_MET
    )

    # Listing: the procedure's target is shown, and the case's panel is arranged.
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, days=5, by=officer), by=officer
    )
    assert fresh(case).state == CaseState.PANEL_ARRANGED
    # The target is shown wherever the procedure sets one (the OPCC guidance sets none).
    assert (listing.target_date is not None) == (services.meeting_timescale(case) is not None)

    # Without the chair the rules block the meeting; with it, it opens.
    seat(listing, [(officer, MEMBER)] + [(m, MEMBER) for m in members], by=officer)
    with pytest.raises(PanelError) as exc:
        services.listing_open(listing=listing, by=officer)
    assert any(r.startswith("Chair") for r in exc.value.reasons)
    seat(listing, [(chair, CHAIR)], by=officer)
    services.listing_open(listing=listing, by=chair)
    assert selectors.can_see_chairs_pack(chair, case)

    services.victim_part_record(
        listing=listing,
        by=officer,
        attendance=VictimAttendance.ADVOCATE,
        attendee_name="Sam Victim Support",
        left_point="After the impact statement",
        statement="The victim is exhausted and frightened to go out.",
    )
    if decided_at_meeting:
        votes = {}
        for member in listing.members.select_related("agency", "user"):
            if (
                member.agency.slug
                in listing.case.procedure_version.section("panel")["core_agencies"]
            ):
                votes.setdefault(member.agency, member.user)
        for agency, user in list(votes.items())[:2]:
            services.threshold_vote_cast(listing=listing, by=user, agency=agency, vote="met")
        assert services.vote_result(listing) is True

    today = timezone.localdate()
    visible = services.action_add(
        case=case,
        by=officer,
        listing=listing,
        data=ActionInput(
            what="Install CCTV covering the shared entrance",
            why="Evidence",
            owner=members[0],
            due_on=today + dt.timedelta(days=21),
        ),
    )
    withheld = services.action_add(
        case=case,
        by=officer,
        listing=listing,
        data=ActionInput(
            what="Refer the perpetrator to the mental health crisis team",
            why="Root cause",
            owner=members[0],
            due_on=today + dt.timedelta(days=14),
            withhold_from_victim=True,
        ),
    )
    services.minutes_record(
        listing=listing,
        by=chair,
        summary="Agencies reviewed the history.",
        decisions="An action plan is agreed.",
        recommendations="Joint patrols on Friday nights.",
    )
    services.minutes_circulate(listing=listing, by=officer)
    services.victim_consultation_record(
        listing=listing,
        by=officer,
        method="phone",
        consulted_on=today,
        what_they_said="Agrees with the plan; wants to hear about the CCTV.",
    )
    services.plan_finalise(listing=listing, by=officer)
    assert fresh(case).state == CaseState.REVIEWED

    # The outcome letter: the withheld action is left out.
    assert list(selectors.actions_for_victim(case)) == [visible]
    from letters.services import letter_render

    pdf, context = letter_render(case=fresh(case), kind="outcome")
    text = pdf_words(pdf, "-layout")
    assert "Install CCTV" in text
    assert "mental health crisis team" not in text
    from letters.services import letter_send

    letter_send(case=fresh(case), kind="outcome", by=officer)
    assert fresh(case).state == CaseState.OUTCOME_SENT

    # Monitoring: the case cannot close until every action is resolved.
    services.action_update(
        action=visible,
        by=members[0],
        status=ActionStatus.REPORTED,
        completion_report="Camera installed",
    )
    services.action_accept(action=visible, by=officer)
    services.action_update(
        action=withheld,
        by=members[0],
        status=ActionStatus.NO_LONGER_NEEDED,
        reason="Perpetrator moved out of the area",
    )
    case_transition(case=fresh(case), name="close", by=officer, reason="Plan completed")
    assert fresh(case).state == CaseState.CLOSED


def test_merton_failed_vote_records_threshold_not_met(reference):
    area, officer, members, chair = people(reference, "merton")
    case = case_ready_for_panel(area=area, officer=officer)
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, days=3, by=officer), by=officer
    )
    police, housing = members
    seat(listing, [(chair, CHAIR), (police, MEMBER), (housing, MEMBER)], by=officer)
    services.listing_open(listing=listing, by=chair)
    with pytest.raises(PanelError):
        services.minutes_record(listing=listing, by=chair, summary="s", decisions="d")
    services.threshold_vote_cast(
        listing=listing,
        by=police,
        agency=police.agency,
        vote="not_met",
        reason="Two incidents only",
    )
    services.threshold_vote_cast(listing=listing, by=housing, agency=housing.agency, vote="not_met")
    # The housing partner does not take threshold decisions: the case officer records it.
    assert fresh(case).state == CaseState.PANEL_ARRANGED
    services.threshold_vote_conclude(listing=listing, by=officer)
    case = fresh(case)
    assert case.state == CaseState.THRESHOLD_NOT_MET
    assert (
        "did not reach the majority"
        in case.timeline.filter(to_state="threshold_not_met").get().reason
    )
    with pytest.raises(PanelError):
        services.threshold_vote_cast(listing=listing, by=chair, agency=chair.agency, vote="met")


def test_merton_core_panel_must_all_attend(reference):
    area, officer, members, chair = people(reference, "merton")
    case = case_ready_for_panel(area=area, officer=officer)
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, days=3, by=officer), by=officer
    )
    seat(listing, [(chair, CHAIR), (members[0], MEMBER)], by=officer)
    seat(listing, [(member_at("south-west-london-icb", area), MEMBER)], by=officer)
    with pytest.raises(PanelError) as exc:
        services.listing_open(listing=listing, by=chair)
    assert any("Clarion Housing" in r for r in exc.value.reasons)


def test_health_vulnerable_victim_needs_health_involved(reference):
    area, officer, members, chair = people(reference, "hertsmere")
    case = case_ready_for_panel(
        area=area, officer=officer, applicant=PersonInputFactory(health_vulnerability=True)
    )
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    seat(listing, [(chair, CHAIR), (officer, MEMBER)] + [(m, MEMBER) for m in members], by=officer)
    with pytest.raises(PanelError) as exc:
        services.listing_open(listing=listing, by=chair)
    assert any(r.startswith("Health") for r in exc.value.reasons)
    seat(listing, [(member_at("herts-west-essex-icb", area), MEMBER)], by=officer)
    services.listing_open(listing=listing, by=chair)
    assert fresh(case).current_risk_level in ("", RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)
