"""The overdue-action ladder: each action's due date is an escalating deadline, and the
deadlines sweep walks the procedure's ``action_escalation`` rungs as the clock moves."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from deadlines.constants import NotificationKind
from deadlines.models import Notification
from deadlines.sweep import deadlines_sweep
from panels import selectors, services
from panels.constants import ActionStatus
from panels.services import ActionInput
from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(7, 0), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def overdue_action(area, users, officer):
    """A Hertsmere action owned by the case officer, whose line manager is the manager."""
    with time_machine.travel(START, tick=False):
        case = case_ready_for_panel(area=area, officer=officer)
        listing = services.case_list_for_meeting(
            case=case, meeting=meeting_in(area, by=officer), by=officer
        )
        seat(
            listing,
            [
                (users["hertsmere.chair"], CHAIR),
                (officer, MEMBER),
                (users["hertsmere.spoc"], MEMBER),
                (users["hertsmere.housing"], MEMBER),
            ],
            by=officer,
        )
        services.listing_open(listing=listing, by=officer)
        return services.action_add(
            case=case,
            by=officer,
            listing=listing,
            data=ActionInput(
                what="Write to the landlord about the noise",
                why="Tenancy enforcement",
                owner=officer,
                due_on=timezone.localdate() + dt.timedelta(days=10),
            ),
        )


def escalations(action):
    return list(selectors.action_escalations(action).values_list("recipient_name", flat=True))


def test_an_overdue_action_climbs_every_rung_once(overdue_action, users):
    due = overdue_action.due_on  # Thursday 12 March 2026
    steps = [
        (due - dt.timedelta(days=1), []),
        (due, ["Helen Marsh"]),  # at the due date: the owner
        (due + dt.timedelta(weeks=3), ["Helen Marsh", "Ravi Shah"]),  # line manager
        (dt.date(2026, 5, 12), ["Helen Marsh", "Ravi Shah", "Dana Hughes"]),  # head of service
        (dt.date(2026, 6, 12), ["Helen Marsh", "Ravi Shah", "Dana Hughes", "Sam Okafor"]),
        (dt.date(2026, 9, 1), ["Helen Marsh", "Ravi Shah", "Dana Hughes", "Sam Okafor"]),
    ]
    before = []
    for day, expected in steps:
        with at(day):
            mail.outbox.clear()
            deadlines_sweep()
            deadlines_sweep()  # safe to run twice: nothing more is recorded or sent
            assert escalations(overdue_action) == expected, day
            sent = [m for m in mail.outbox if m.subject.startswith("Escalation")]
            assert len(sent) == len(expected) - len(before), day
            before = expected
    timeline = overdue_action.case.timeline.filter(summary__startswith="Escalated")
    assert timeline.count() == 4


def test_reporting_completion_stops_the_ladder(overdue_action, users, officer):
    due = overdue_action.due_on
    with at(due):
        deadlines_sweep()
        services.action_update(
            action=overdue_action,
            by=officer,
            status=ActionStatus.REPORTED,
            completion_report="Letter sent to the landlord",
        )
    with at(due + dt.timedelta(weeks=10)):
        deadlines_sweep()
    assert escalations(overdue_action) == ["Helen Marsh"]


def test_a_returned_report_restarts_the_deadline(overdue_action, officer):
    with at(overdue_action.due_on - dt.timedelta(days=2)):
        services.action_update(
            action=overdue_action,
            by=officer,
            status=ActionStatus.REPORTED,
            completion_report="Done",
        )
        services.action_return_report(
            action=overdue_action, by=officer, reason="No copy of the letter"
        )
    deadlines = list(selectors.action_deadlines(overdue_action))
    assert [d.state for d in deadlines] == ["met_on_time", "open"]
    with at(overdue_action.due_on + dt.timedelta(days=1)):
        deadlines_sweep()
    assert (
        Notification.objects.filter(deadline=deadlines[1], kind=NotificationKind.ESCALATION).count()
        == 1
    )
