"""The sweep on a moving clock: breaches, reminders, the escalation ladder, idempotency."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from cases.constants import EventKind
from deadlines import services
from deadlines.constants import DeadlineState, NotificationKind, NotificationState
from deadlines.models import Notification
from deadlines.sweep import deadlines_sweep
from partnerships.models import EscalationContact
from tests.factories import receive_case

D = dt.date
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 7):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0), tick=False)


@pytest.fixture
def christmas_case(area, officer):
    with at(D(2026, 12, 22), 10):
        return receive_case(area=area, by=officer, received_on=D(2026, 12, 22))


def test_breach_is_marked_once_and_emailed_once(christmas_case, officer):
    case = christmas_case
    with at(D(2026, 12, 29)):
        result = deadlines_sweep()
    assert result.breached == 0
    mail.outbox.clear()
    with at(D(2026, 12, 30)):
        first = deadlines_sweep()
        second = deadlines_sweep()
    ack = case.deadlines.get(step="acknowledge")
    assert (ack.state, ack.breached_on) == (DeadlineState.BREACHED, D(2026, 12, 30))
    assert (first.breached, first.breach_notices) == (1, 1)
    assert (second.breached, second.breach_notices, second.delivered) == (0, 0, 0)
    breach_mail = [m for m in mail.outbox if m.subject.startswith("Overdue")]
    assert len(breach_mail) == 1
    assert breach_mail[0].to == [case.area.administering_agency.spoc_email]
    assert "CR1 acknowledgement" in breach_mail[0].body
    assert breach_mail[0].alternatives[0][1] == "text/html"
    assert (
        case.timeline.filter(
            kind=EventKind.DEADLINE, summary__startswith="Deadline breached"
        ).count()
        == 1
    )
    assert case.timeline.filter(kind=EventKind.EMAIL, summary__contains="Overdue").count() == 1


def test_met_late_after_a_breach(christmas_case, officer):
    from letters.services import letter_send

    with at(D(2026, 12, 30)):
        deadlines_sweep()
        letter_send(case=christmas_case, kind="CR1", by=officer)  # the evidence, late
    ack = christmas_case.deadlines.get(step="acknowledge")
    assert (ack.state, ack.met_on) == (DeadlineState.MET_LATE, D(2026, 12, 30))


@pytest.mark.parametrize(
    "lead,first_day",
    [(2, D(2026, 12, 23)), (1, D(2026, 12, 24)), (3, D(2026, 12, 22))],
)
def test_reminder_lead_time_in_working_days(christmas_case, officer, settings, lead, first_day):
    from cases.services import case_assign_officer

    settings.DEADLINES_REMINDER_LEAD_WORKING_DAYS = lead
    case_assign_officer(case=christmas_case, by=officer, officer=officer)
    mail.outbox.clear()
    with at(first_day - dt.timedelta(days=1)):
        deadlines_sweep()
    assert not [m for m in mail.outbox if "acknowledgement" in m.subject]
    with at(first_day):
        deadlines_sweep()
    with at(D(2026, 12, 29)):
        deadlines_sweep()
    reminders = [
        m
        for m in mail.outbox
        if m.subject.startswith(christmas_case.reference) and "acknowledgement" in m.subject
    ]
    assert len(reminders) == 1
    assert reminders[0].to == [officer.email]


def test_no_reminders_when_lead_time_is_zero(christmas_case, settings):
    settings.DEADLINES_REMINDER_LEAD_WORKING_DAYS = 0
    with at(D(2026, 12, 29)):
        deadlines_sweep()
    assert not Notification.objects.filter(kind=NotificationKind.REMINDER).exists()


def test_a_delay_reopens_a_breached_deadline_and_earns_a_new_reminder(christmas_case, officer):
    with at(D(2026, 12, 30)):
        deadlines_sweep()
        ack = christmas_case.deadlines.get(step="acknowledge")
        services.deadline_record_delay(
            deadline=ack, new_due=D(2027, 1, 6), reason="Office closed", by=officer
        )
    ack.refresh_from_db()
    assert ack.state == DeadlineState.OPEN
    with at(D(2027, 1, 4)):
        deadlines_sweep()
    assert Notification.objects.filter(kind=NotificationKind.REMINDER, deadline=ack).count() == 1


def _action(case, owner, due):
    subject = case.incidents.first()
    return services.deadline_start(
        case=case,
        key=f"test-action:{subject.pk}",
        step="action",
        due=due,
        rule="Fit a door entry system",
        responsible_user=owner,
        subject=subject,
        escalates=True,
    )


def _ladder_mail():
    return [
        (m.to[0], m.subject.split(")")[0])
        for m in mail.outbox
        if m.subject.startswith("Escalation")
    ]


def test_the_escalation_ladder_on_schedule(area, officer, users):
    case = receive_case(area=area, by=officer)
    deadline = _action(case, officer, D(2027, 1, 15))  # a Friday
    manager = users["hertsmere.manager"]
    steps = [
        (D(2027, 1, 14), []),
        (D(2027, 1, 15), [(officer.email, "Escalation (Owner")]),
        (D(2027, 2, 4), []),
        # 3 weeks after 15 January: Friday 5 February
        (D(2027, 2, 5), [(manager.email, "Escalation (Owner's line manager")]),
        (D(2027, 3, 14), []),
        # 2 months: Monday 15 March
        (D(2027, 3, 15), [("dana.hughes@hertsmere.example", "Escalation (Head of service")]),
        # 3 months: Thursday 15 April
        (D(2027, 4, 15), [("chief.executive@hertsmere.example", "Escalation (Chief executive")]),
        (D(2027, 6, 1), []),
    ]
    for day, expected in steps:
        mail.outbox.clear()
        with at(day):
            deadlines_sweep()
            deadlines_sweep()
        assert _ladder_mail() == expected, day
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.BREACHED
    # the ladder speaks for escalating deadlines: no separate breach notice
    assert not Notification.objects.filter(deadline=deadline, kind=NotificationKind.BREACH).exists()
    assert case.timeline.filter(summary__startswith="Escalated to").count() == 4


def test_line_manager_who_is_head_of_service_goes_to_chief_executive(area, officer, users):
    manager = users["hertsmere.manager"]
    EscalationContact.objects.filter(agency=officer.agency, level="head_of_service").update(
        email=manager.email
    )
    case = receive_case(area=area, by=officer)
    _action(case, officer, D(2027, 1, 15))
    with at(D(2027, 3, 15)):
        deadlines_sweep()
    assert ("chief.executive@hertsmere.example", "Escalation (Chief executive") in _ladder_mail()


def test_a_sweep_that_missed_days_catches_up(area, officer):
    case = receive_case(area=area, by=officer)
    _action(case, officer, D(2027, 1, 15))
    with at(D(2027, 3, 20)):
        result = deadlines_sweep()
    assert result.escalations == 3


def test_a_missing_rung_is_recorded_not_sent(area, officer, users):
    officer.line_manager = None
    officer.save()
    case = receive_case(area=area, by=officer)
    _action(case, officer, D(2027, 1, 15))
    with at(D(2027, 2, 5)):
        deadlines_sweep()
    skipped = Notification.objects.get(state=NotificationState.SKIPPED)
    assert skipped.recipient_name == "No line manager recorded"


def test_meeting_the_action_stops_the_ladder(area, officer):
    case = receive_case(area=area, by=officer)
    deadline = _action(case, officer, D(2027, 1, 15))
    with at(D(2027, 1, 20)):
        deadlines_sweep()
        services.deadline_meet(deadline=deadline, by=officer)
    with at(D(2027, 5, 1)):
        deadlines_sweep()
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET_LATE
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 1


def test_a_failed_send_is_retried_by_the_next_sweep(christmas_case, settings, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with at(D(2026, 12, 30)):
        deadlines_sweep()
    note = Notification.objects.get(kind=NotificationKind.BREACH)
    assert note.state == NotificationState.FAILED and "SMTP down" in note.last_error
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    with at(
        D(
            2026,
            12,
            30,
        ),
        8,
    ):
        deadlines_sweep()
    note.refresh_from_db()
    assert note.state == NotificationState.SENT and note.attempts == 2


def test_a_deadline_delayed_after_its_breach_is_reported_again_when_it_breaches_again(
    christmas_case, officer
):
    with at(D(2026, 12, 30)):
        deadlines_sweep()
        ack = christmas_case.deadlines.get(step="acknowledge")
        services.deadline_record_delay(
            deadline=ack, new_due=D(2027, 1, 6), reason="Office closed", by=officer
        )
    mail.outbox.clear()
    with at(D(2027, 1, 7)):
        first = deadlines_sweep()
        again = deadlines_sweep()
    assert (first.breached, first.breach_notices) == (1, 1)
    assert again.breach_notices == 0
    overdue = [m for m in mail.outbox if m.subject.startswith("Overdue")]
    assert len(overdue) == 1 and "6 January 2027" in overdue[0].body
    assert Notification.objects.filter(kind=NotificationKind.BREACH, deadline=ack).count() == 2
