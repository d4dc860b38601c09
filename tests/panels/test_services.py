"""Panels services: meetings, listing, the rules at opening, minutes, the plan and actions."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from asbcr.calendar import calendar_for_area
from cases.constants import CaseState
from cases.hooks import close_blockers
from cases.models import CaseAccessGrant, ImpactStatement
from cases.services import CaseWorkflowError, case_transition
from panels import selectors, services
from panels.constants import ActionStatus, ListingStatus, MeetingStatus, VictimAttendance
from panels.models import Action, Meeting
from panels.services import ActionInput, PanelError
from tests.evidence import with_evidence
from tests.panels.factories import (
    CHAIR,
    MEMBER,
    add_under_18,
    case_ready_for_panel,
    fresh,
    meeting_in,
    seat,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def case(area, officer):
    return case_ready_for_panel(area=area, officer=officer)


@pytest.fixture
def listing(case, area, officer):
    return services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )


def full_panel(listing, users, officer, **kwargs):
    return seat(
        listing,
        [
            (users["hertsmere.chair"], CHAIR),
            (officer, MEMBER),
            (users["hertsmere.spoc"], MEMBER),
            (users["hertsmere.housing"], MEMBER),
        ],
        by=officer,
        **kwargs,
    )


def opened(listing, users, officer):
    full_panel(listing, users, officer)
    services.listing_open(listing=listing, by=users["hertsmere.chair"])
    return listing


# -- meetings -------------------------------------------------------------------------


def test_standing_meetings_are_scheduled_once_per_month(area, officer):
    first = services.meeting_schedule_standing(area=area, by=officer, months=3)
    again = services.meeting_schedule_standing(area=area, by=officer, months=3)
    assert [m.pk for m in first] == [m.pk for m in again]
    assert Meeting.objects.filter(area=area, kind="standing").count() == len(first) >= 2
    assert all(m.starts_at.weekday() == 1 and m.starts_at.day <= 7 for m in first)


def test_standing_meetings_with_no_case_ready_are_cancelled(area, officer, case):
    soon = timezone.now() + dt.timedelta(days=3)
    empty = Meeting.objects.create(area=area, kind="standing", starts_at=soon)
    busy = Meeting.objects.create(
        area=area, kind="standing", starts_at=soon + dt.timedelta(hours=2)
    )
    services.case_list_for_meeting(case=case, meeting=busy, by=officer)
    assert services.meetings_cancel_unused() == [empty.pk]
    empty.refresh_from_db()
    busy.refresh_from_db()
    assert (empty.status, busy.status) == (MeetingStatus.CANCELLED, MeetingStatus.SCHEDULED)


def test_only_case_officers_schedule(area, users):
    with pytest.raises(PermissionDenied):
        services.meeting_schedule_standing(area=area, by=users["hertsmere.spoc"])


# -- listing ----------------------------------------------------------------------------


def test_listing_arranges_the_panel(case, listing):
    assert fresh(case).state == CaseState.PANEL_ARRANGED
    assert listing.case_id == case.pk and listing.late_reason == ""
    assert case.timeline.filter(summary__startswith="Listed for the panel").exists()


@pytest.fixture
def merton_case(reference, users):
    officer = users["merton.officer"]
    return case_ready_for_panel(area=reference["areas"]["merton"], officer=officer), officer


def test_the_target_comes_from_the_procedure(merton_case):
    """Merton: "meet for the case review, within ten working days" of receipt."""
    case, officer = merton_case
    calendar = calendar_for_area(case.area)
    assert services.meeting_target_date(case) == calendar.due(case.received_on, 10, "working_days")


def test_a_late_listing_needs_a_reason(merton_case):
    case, officer = merton_case
    late = meeting_in(case.area, days=30, by=officer)
    with pytest.raises(ValidationError) as exc:
        services.case_list_for_meeting(case=case, meeting=late, by=officer)
    assert "late_reason" in exc.value.error_dict
    assert fresh(case).state == CaseState.GATHERING_INFORMATION
    listing = services.case_list_for_meeting(
        case=case, meeting=late, by=officer, late_reason="The police sergeant is on leave"
    )
    assert listing.late_reason == "The police sergeant is on leave"
    assert fresh(case).state == CaseState.PANEL_ARRANGED  # arrange_panel_for_decision


def test_outcome_deadline_bounds_the_meeting_when_no_meeting_timescale():
    """Staffordshire: "heard and outcome provided within 28 days from activation"."""
    from types import SimpleNamespace

    timescales = {
        "threshold_decision": {
            "amount": 28,
            "unit": "days",
            "starts": "received",
            "ends": "threshold_decided",
        },
        "outcome": {"amount": 28, "unit": "days", "starts": "received", "ends": "outcome_sent"},
    }
    version = SimpleNamespace(section=lambda name: {"timescales": timescales}.get(name, {}))
    case = SimpleNamespace(procedure_version=version)
    assert services.meeting_timescale(case)["amount"] == 28
    timescales["outcome"]["starts"] = "panel_held"
    assert services.meeting_timescale(case) is None
    timescales["meeting"] = {
        "amount": 10,
        "unit": "working_days",
        "starts": "received",
        "ends": "panel_held",
    }
    assert services.meeting_timescale(case)["amount"] == 10


def test_a_case_cannot_be_listed_twice(case, listing, area, officer):
    with pytest.raises(PanelError):
        services.case_list_for_meeting(
            case=fresh(case), meeting=meeting_in(area, days=9, by=officer), by=officer
        )


def test_a_case_not_yet_decided_cannot_be_listed(area, officer):
    from tests.factories import receive_case

    case = receive_case(area=area, by=officer)
    with pytest.raises(PanelError):
        services.case_list_for_meeting(case=case, meeting=meeting_in(area, by=officer), by=officer)


# -- the panel and the rules ----------------------------------------------------------


def test_members_and_chair_get_access_to_the_case(listing, users, officer):
    full_panel(listing, users, officer)
    chair = users["hertsmere.chair"]
    assert CaseAccessGrant.objects.filter(case=listing.case, user=chair).exists()
    from cases.selectors import user_can_see_case

    assert user_can_see_case(chair, listing.case)


def test_the_meeting_cannot_open_without_quorum_and_can_be_adjourned(listing, users, officer):
    seat(
        listing,
        [(users["hertsmere.chair"], CHAIR), (officer, MEMBER), (users["hertsmere.spoc"], MEMBER)],
        by=officer,
    )
    with pytest.raises(PanelError) as exc:
        services.listing_open(listing=listing, by=users["hertsmere.chair"])
    assert any("at least 3 relevant bodies" in r for r in exc.value.reasons)
    with pytest.raises(PanelError):
        services.minutes_record(listing=listing, by=officer, summary="s", decisions="d")
    with pytest.raises(ValidationError):
        services.listing_adjourn(listing=listing, by=officer, reason=" ")
    services.listing_adjourn(listing=listing, by=officer, reason="No quorum: housing absent")
    assert listing.status == ListingStatus.ADJOURNED
    with pytest.raises(PanelError):
        services.action_add(
            case=listing.case,
            by=officer,
            listing=listing,
            data=ActionInput(what="x", why="y", owner=officer, due_on=TODAY()),
        )


def test_apologies_take_a_body_out_of_the_quorum(listing, users, officer):
    members = full_panel(listing, users, officer)
    services.panel_attendance_record(member=members[3], by=officer, attendance="apologies")
    with pytest.raises(PanelError):
        services.listing_open(listing=listing, by=officer)


def test_a_chair_from_an_involved_agency_blocks_the_meeting(listing, users, officer):
    seat(
        listing,
        [
            (users["hertsmere.manager"], CHAIR),  # Hertsmere Borough Council: administering
            (users["hertsmere.spoc"], MEMBER),
            (users["hertsmere.housing"], MEMBER),
            (officer, MEMBER),
        ],
        by=officer,
    )
    with pytest.raises(PanelError) as exc:
        services.listing_open(listing=listing, by=officer)
    assert any("not independent" in r for r in exc.value.reasons)


def test_under_18_perpetrator_needs_the_youth_offending_team(listing, users, officer):
    add_under_18(listing.case)
    full_panel(listing, users, officer)
    with pytest.raises(PanelError) as exc:
        services.listing_open(listing=listing, by=officer)
    assert any("youth offending team" in r for r in exc.value.reasons)


def test_missing_declarations_block_opening_and_hide_the_pack(listing, users, officer):
    full_panel(listing, users, officer, declared=False)
    spoc = users["hertsmere.spoc"]
    assert not selectors.can_see_chairs_pack(spoc, listing.case)
    with pytest.raises(PanelError) as refused:
        services.listing_open(listing=listing, by=officer)
    assert any("not yet signed by" in r for r in refused.value.reasons)
    services.declaration_sign(listing=listing, by=spoc)
    assert selectors.can_see_chairs_pack(spoc, listing.case)
    assert not selectors.can_see_chairs_pack(users["hertsmere.chair"], listing.case)
    outsider = users["staffordshire.officer"]
    assert not selectors.can_see_chairs_pack(outsider, listing.case)
    with pytest.raises(PermissionDenied):
        services.declaration_sign(listing=listing, by=outsider)


# -- the victim's voice, minutes and the plan -----------------------------------------


def test_victim_attends_the_first_part_and_their_words_are_an_impact_statement(
    listing, users, officer
):
    opened(listing, users, officer)
    with pytest.raises(ValidationError) as exc:
        services.victim_part_record(
            listing=listing, by=officer, attendance=VictimAttendance.VICTIM_IN_PERSON
        )
    assert "left_point" in exc.value.error_dict
    services.victim_part_record(
        listing=listing,
        by=officer,
        attendance=VictimAttendance.VICTIM_IN_PERSON,
        left_at=dt.time(10, 25),
        left_point="After describing the impact, before the discussion",
        statement="I cannot sleep and my children are scared.",
    )
    statement = ImpactStatement.objects.get(case=listing.case)
    assert statement.source == "noted_at_meeting"
    assert listing.victim_left_point.startswith("After describing")


def test_interim_actions_are_carried_into_the_plan(case, area, officer, users):
    interim = services.action_add(
        case=case,
        by=officer,
        interim=True,
        data=ActionInput(
            what="Fit a door camera",
            why="Immediate risk",
            owner=users["hertsmere.housing"],
            due_on=TODAY(),
        ),
    )
    assert interim.listing is None and interim.agency.slug == "clarion-housing"
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    opened(listing, users, officer)
    services.minutes_record(
        listing=listing, by=officer, summary="Discussed", decisions="Plan agreed"
    )
    interim.refresh_from_db()
    assert interim.listing == listing


def test_the_plan_is_final_only_after_the_victim_is_consulted(listing, users, officer):
    opened(listing, users, officer)
    services.minutes_record(listing=listing, by=officer, summary="Discussed", decisions="Plan")
    with pytest.raises(PanelError) as exc:
        services.plan_finalise(listing=listing, by=officer)
    assert any("Consult the victim" in r for r in exc.value.reasons)
    services.victim_consultation_record(
        listing=listing,
        by=officer,
        method="phone",
        consulted_on=TODAY(),
        what_they_said="Happy with the plan; asks for weekly updates.",
    )
    services.plan_finalise(listing=listing, by=officer)
    assert fresh(listing.case).state == CaseState.REVIEWED
    assert listing.status == ListingStatus.FINAL


def test_minutes_are_circulated_and_agreed(listing, users, officer):
    opened(listing, users, officer)
    services.minutes_record(listing=listing, by=officer, summary="Discussed", decisions="Plan")
    assert listing.minutes_due_on is not None  # Hertsmere: 5 working days
    with pytest.raises(PanelError):
        services.minutes_agree(listing=listing, by=users["hertsmere.spoc"])
    services.minutes_circulate(listing=listing, by=officer)
    assert listing.circulated_on == TODAY()
    member = services.minutes_agree(listing=listing, by=users["hertsmere.spoc"])
    assert member.agreed_minutes_at is not None


def test_minutes_circulation_emails_every_member(
    listing, users, officer, django_capture_on_commit_callbacks
):
    opened(listing, users, officer)
    services.minutes_record(listing=listing, by=officer, summary="Discussed", decisions="Plan")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_circulate(listing=listing, by=officer)
    assert len(mail.outbox) == 1
    assert len(mail.outbox[0].to) == 4


# -- actions ------------------------------------------------------------------------------


@pytest.fixture
def action(listing, users, officer):
    opened(listing, users, officer)
    return services.action_add(
        case=listing.case,
        by=officer,
        listing=listing,
        data=ActionInput(
            what="Visit the perpetrator",
            why="Warn about conduct",
            owner=users["hertsmere.spoc"],
            due_on=TODAY() + dt.timedelta(days=14),
        ),
    )


def test_an_action_is_done_only_when_the_report_is_accepted(action, users, officer):
    spoc = users["hertsmere.spoc"]
    with pytest.raises(ValidationError):
        services.action_update(action=action, by=spoc, status=ActionStatus.REPORTED)
    services.action_update(
        action=action, by=spoc, status=ActionStatus.REPORTED, completion_report="Visited on Monday"
    )
    assert action.status == ActionStatus.REPORTED
    with pytest.raises(ValidationError):
        services.action_update(action=action, by=spoc, status=ActionStatus.DONE)
    with pytest.raises(PermissionDenied):
        services.action_accept(action=action, by=spoc)
    services.action_accept(action=action, by=officer)
    assert action.status == ActionStatus.DONE and action.accepted_by == officer


def test_delayed_and_no_longer_needed_need_reasons(action, users):
    spoc = users["hertsmere.spoc"]
    for status in (ActionStatus.DELAYED, ActionStatus.NO_LONGER_NEEDED):
        with pytest.raises(ValidationError):
            services.action_update(action=action, by=spoc, status=status)
    services.action_update(action=action, by=spoc, status=ActionStatus.DELAYED, reason="Sick leave")
    services.action_update(
        action=action,
        by=spoc,
        status=ActionStatus.NO_LONGER_NEEDED,
        reason="Perpetrator moved away",
    )
    with pytest.raises(PanelError):
        services.action_update(action=action, by=spoc, status=ActionStatus.IN_PROGRESS)


def test_someone_else_cannot_update_an_action(action, users):
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=action, by=users["staffordshire.officer"], status=ActionStatus.IN_PROGRESS
        )


def test_actions_for_victim_leave_out_withheld_actions(action, users, officer):
    hidden = services.action_add(
        case=action.case,
        by=officer,
        listing=action.listing,
        data=ActionInput(
            what="Refer the perpetrator to mental health services",
            why="Support",
            owner=users["hertsmere.spoc"],
            due_on=TODAY(),
            withhold_from_victim=True,
        ),
    )
    visible = list(selectors.actions_for_victim(action.case))
    assert action in visible and hidden not in visible


def test_case_closes_only_when_every_action_is_resolved(action, users, officer):
    case = action.case
    assert close_blockers(case)
    services.action_hand_to_business_as_usual(
        action=action, by=officer, reason="Neighbourhood team patrols as usual"
    )
    assert close_blockers(case) == []


def test_close_transition_is_blocked_by_open_actions(action, users, officer):
    listing = action.listing
    services.minutes_record(listing=listing, by=officer, summary="Discussed", decisions="Plan")
    services.victim_consultation_record(
        listing=listing, by=officer, method="email", consulted_on=TODAY(), what_they_said="Agreed"
    )
    services.plan_finalise(listing=listing, by=officer)
    with_evidence(action.case, "send_outcome", officer)
    case_transition(case=fresh(action.case), name="send_outcome", by=officer)
    with pytest.raises(CaseWorkflowError) as exc:
        case_transition(case=fresh(action.case), name="close", by=officer, reason="All done")
    assert any("Visit the perpetrator" in r for r in exc.value.reasons)


def test_owner_sees_their_actions_across_cases(action, users):
    assert list(selectors.actions_owned_by(user=users["hertsmere.spoc"])) == [action]
    assert list(selectors.actions_owned_by(user=users["hertsmere.housing"])) == []


def test_follow_up_meeting_has_the_same_participants(action, users, officer, area):
    listing = action.listing
    services.minutes_record(listing=listing, by=officer, summary="Discussed", decisions="Plan")
    services.victim_consultation_record(
        listing=listing, by=officer, method="phone", consulted_on=TODAY(), what_they_said="OK"
    )
    services.plan_finalise(listing=listing, by=officer)
    meeting = meeting_in(area, days=30, by=officer)
    with pytest.raises(ValidationError):
        services.case_list_for_meeting(case=fresh(listing.case), meeting=meeting, by=officer)
    follow_up = services.case_list_for_meeting(
        case=fresh(listing.case), meeting=meeting, by=officer, follow_up_reason="Risk is high"
    )
    assert follow_up.kind == "follow_up"
    assert set(follow_up.members.values_list("user", "role")) == set(
        listing.members.values_list("user", "role")
    )
    assert Action.objects.filter(case=listing.case).count() == 1
