"""Panels test helpers: cases in the states a panel needs, meetings and full panels."""

import datetime as dt

from django.utils import timezone

from cases.models import Case, CaseAgency, Perpetrator
from cases.services import case_involve_agency, case_transition
from panels import services
from panels.constants import Attendance, MemberRole
from panels.models import Meeting
from partnerships.models import Agency
from tests.factories import receive_case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def case_ready_for_panel(*, area, officer, involve=(), **overrides) -> Case:
    """A case whose threshold is met (or, where the panel decides, is gathering information)."""
    case = receive_case(area=area, by=officer, **overrides)
    case_transition(case=case, name="acknowledge", by=officer)
    case_transition(case=fresh(case), name="start_gathering", by=officer)
    for slug in involve:
        case_involve_agency(case=case, agency=Agency.objects.get(slug=slug), by=officer)
    case = fresh(case)
    if not services.decided_at_meeting(case):
        case_transition(
            case=case, name="record_threshold_met", by=officer, reason="Three incidents"
        )
    return fresh(case)


def meeting_in(area, *, by, days: int = 7) -> Meeting:
    starts_at = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    return services.meeting_schedule_ad_hoc(
        area=area,
        by=by,
        starts_at=starts_at + dt.timedelta(days=days),
        purpose="Case review",
    )


def seat(listing, users_roles, *, by, attended=True, declared=True):
    """Put people on the panel, mark them present and have them sign the declaration."""
    members = []
    for user, role in users_roles:
        member = services.panel_member_add(listing=listing, by=by, user=user, role=role)
        if attended:
            member = services.panel_attendance_record(
                member=member, by=by, attendance=Attendance.ATTENDED
            )
        if declared:
            services.declaration_sign(listing=listing, by=user)
        members.append(member)
    return members


def not_directly_involved(case, slug):
    CaseAgency.objects.filter(case=case, agency__slug=slug).update(direct_involvement=False)


def add_under_18(case):
    Perpetrator.objects.create(case=case, name="A young person", under_18=True)


CHAIR = MemberRole.CHAIR
MEMBER = MemberRole.MEMBER
