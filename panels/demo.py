"""Demo panels (used by ``manage.py load_demo``): a Hertsmere meeting held last week with
its chair's pack, minutes and an action plan whose actions are in several states, and a
Merton core panel listed for this week. Idempotent: a case already listed is left alone."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.constants import CaseState
from cases.models import Case
from panels import services
from panels.constants import ActionStatus, Attendance, MeetingKind, MemberRole, VictimAttendance
from panels.models import Listing, Meeting
from panels.services import ActionInput
from partnerships.models import Area, User

LATE_REASON = "Demo: listed at the next standing meeting the chair could attend."


def _user(username):
    return User.objects.filter(username=username).first()


def _seat(listing, people, officer, *, attend=True):
    for user, role in people:
        if user is None or listing.members.filter(user=user).exists():
            continue
        member = services.panel_member_add(listing=listing, by=officer, user=user, role=role)
        if attend:
            services.panel_attendance_record(
                member=member, by=officer, attendance=Attendance.ATTENDED
            )
        services.declaration_sign(listing=listing, by=user)


def _hertsmere(stdout) -> bool:
    area = Area.objects.filter(slug="hertsmere").first()
    officer, chair = _user("hertsmere.officer"), _user("hertsmere.chair")
    spoc, housing = _user("hertsmere.spoc"), _user("hertsmere.housing")
    if not all((area, officer, chair, spoc, housing)):
        return False
    case = (
        Case.objects.filter(area=area, state=CaseState.THRESHOLD_MET, panel_listings__isnull=True)
        .order_by("pk")
        .first()
    )
    if case is None:
        return False
    services.meeting_schedule_standing(area=area, by=officer, months=3)
    today = timezone.localdate()
    services.action_add(
        case=case,
        by=officer,
        interim=True,
        data=ActionInput(
            what="Fit a video doorbell at your front door",
            why="Immediate risk: threats made at the door (recorded before the meeting)",
            owner=housing,
            due_on=today - dt.timedelta(days=4),
        ),
    )
    held = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) - dt.timedelta(days=5)
    meeting, _ = Meeting.objects.get_or_create(
        area=area,
        kind=MeetingKind.AD_HOC,
        starts_at=held,
        defaults={"purpose": "Case review (demo)", "location": "Civic Offices, Borehamwood"},
    )
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting, by=officer, late_reason=LATE_REASON
    )
    _seat(
        listing,
        [(chair, MemberRole.CHAIR), (officer, MemberRole.MINUTE_TAKER), (spoc, MemberRole.MEMBER)],
        officer,
    )
    _seat(listing, [(housing, MemberRole.MEMBER)], officer)
    services.listing_open(listing=listing, by=chair)
    services.victim_part_record(
        listing=listing,
        by=officer,
        attendance=VictimAttendance.ADVOCATE,
        attendee_name="Jo Reed (Victim Support)",
        left_at=dt.time(10, 20),
        left_point="After the impact statement, before the discussion of actions",
        statement="She no longer lets her children play outside and has been signed off work.",
    )
    plan = [
        ("Issue a community protection warning to the neighbour", "Racist abuse", spoc, 14, False),
        ("Refer the neighbour to the mental health liaison team", "Drivers", spoc, 21, True),
        ("Install a camera covering the stairwell", "Evidence", housing, 10, False),
        ("Phone you each week to check how you are", "Support", officer, 28, False),
    ]
    actions = [
        services.action_add(
            case=case,
            by=officer,
            listing=listing,
            data=ActionInput(
                what=what,
                why=why,
                owner=owner,
                due_on=today + dt.timedelta(days=days),
                withhold_from_victim=withhold,
            ),
        )
        for what, why, owner, days, withhold in plan
    ]
    services.minutes_record(
        listing=listing,
        by=chair,
        summary="The panel reviewed 3 incidents since August, the agency responses and the "
        "risk assessment (high). Police and housing have both had reports; no joint action yet.",
        decisions="A joint action plan is agreed; a follow-up meeting in 6 weeks if risk stays high.",
        recommendations="Police and Clarion to share incident logs weekly.",
    )
    services.action_update(
        action=actions[0],
        by=spoc,
        status=ActionStatus.REPORTED,
        completion_report="Warning served on the neighbour in person.",
    )
    services.action_accept(action=actions[0], by=officer)
    services.action_update(action=actions[2], by=housing, status=ActionStatus.IN_PROGRESS)
    services.action_update(
        action=actions[3],
        by=officer,
        status=ActionStatus.DELAYED,
        reason="The victim was away for a week; calls resume Monday.",
    )
    services.victim_consultation_record(
        listing=listing,
        by=officer,
        method="phone",
        consulted_on=today - dt.timedelta(days=2),
        what_they_said="Agrees with the plan; asked that the camera covers the back door too.",
    )
    services.minutes_circulate(listing=listing, by=officer)
    services.minutes_agree(listing=listing, by=spoc)
    services.plan_finalise(listing=listing, by=officer)
    stdout.write(f"Demo panel: {case.reference} reviewed with {len(actions) + 1} actions.")
    return True


def _merton(stdout) -> bool:
    area = Area.objects.filter(slug="merton").first()
    officer, chair = _user("merton.officer"), _user("merton.chair")
    police, housing = _user("merton.police"), _user("hertsmere.housing")
    if not all((area, officer, chair, police, housing)):
        return False
    case = (
        Case.objects.filter(area=area, state=CaseState.PANEL_ARRANGED, panel_listings__isnull=True)
        .order_by("pk")
        .first()
    )
    if case is None:
        return False
    meeting = services.meeting_schedule_ad_hoc(
        area=area,
        by=officer,
        starts_at=timezone.now().replace(hour=14, minute=0, second=0, microsecond=0)
        + dt.timedelta(days=3),
        purpose="Core panel: threshold vote and review (demo)",
        location="Merton Civic Centre",
    )
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting, by=officer, late_reason=LATE_REASON
    )
    _seat(
        listing,
        [(chair, MemberRole.CHAIR), (police, MemberRole.MEMBER), (housing, MemberRole.MEMBER)],
        officer,
        attend=False,
    )
    stdout.write(f"Demo panel: {case.reference} listed for the Merton core panel.")
    return True


def load_demo(stdout) -> None:
    for loader in (_hertsmere, _merton):
        with transaction.atomic():
            loader(stdout)
    stdout.write(f"Demo panels: {Listing.objects.count()} listings in all.")
