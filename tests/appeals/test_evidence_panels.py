"""The panels app's minutes, attendance and action plan reach the bundle and the audit."""

import datetime as dt

import pytest
from django.utils import timezone

from appeals.audit import compliance_checklist
from appeals.bundle import bundle_items
from appeals.constants import AuditAnswer
from appeals.services import appeal_lodge
from cases.constants import Channel
from panels.constants import ActionStatus, Attendance, MemberRole
from panels.models import Action, Listing, Meeting, PanelMember
from partnerships.models import Agency
from tests.appeals.factories import outcome_sent_case

pytestmark = pytest.mark.django_db


def test_minutes_attendance_and_action_plan_are_in_the_bundle(reference):
    users = reference["users"]
    case = outcome_sent_case(reference, "staffordshire")
    now = timezone.now()
    meeting = Meeting.objects.create(
        area=case.area, kind="ad_hoc", starts_at=now - dt.timedelta(days=5), status="held"
    )
    listing = Listing.objects.create(
        meeting=meeting,
        case=case,
        status="final",
        summary="The panel heard from the police and the council.",
        decisions="Mediation and a warning letter.",
        minuted_at=now - dt.timedelta(days=4),
    )
    chair = users["staffordshire.chair"]
    PanelMember.objects.create(
        listing=listing,
        user=chair,
        agency=chair.agency,
        role=MemberRole.CHAIR,
        attendance=Attendance.ATTENDED,
    )
    police = Agency.objects.get(slug="staffordshire-police")
    Action.objects.create(
        case=case,
        listing=listing,
        what="Send a warning letter",
        why="Stop the noise",
        agency=police,
        owner=users["staffordshire.spoc"],
        due_on=timezone.localdate() - dt.timedelta(days=1),
        status=ActionStatus.OPEN,
    )
    appeal = appeal_lodge(
        case=case,
        by=users["staffordshire.officer"],
        grounds=["process_not_followed"],
        applicant_words="The actions were never done.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )
    items = {i.key: i for i in bundle_items(appeal)}
    minutes = items["minutes"].entries[0]
    assert minutes.label.startswith("Minutes of the panel on")
    assert "Rhona Gill (Staffordshire Fire and Rescue Service, chair)" in minutes.detail
    assert (
        items["action_plan"]
        .entries[0]
        .label.startswith("Send a warning letter (Staffordshire Police")
    )
    assert items["action_plan_update"].entries[0].label.startswith("Send a warning letter: Overdue")

    audit = {i.key: i for i in compliance_checklist(appeal)}
    assert audit["independence"].suggested == AuditAnswer.YES
    assert "no direct involvement" in audit["independence"].basis
