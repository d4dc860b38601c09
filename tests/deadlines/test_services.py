"""Deadlines started and met by case events, ad-hoc deadlines, waive and delay."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from cases.constants import EventKind
from cases.services import case_assign_officer, case_transition
from deadlines import services
from deadlines.constants import DeadlineState, NotificationKind
from deadlines.models import ClosureDay, Deadline, Notification
from tests.factories import receive_case

D = dt.date
pytestmark = pytest.mark.django_db


def _due(case) -> dict[str, dt.date]:
    return {d.step: d.due for d in case.deadlines.all()}


@time_machine.travel(dt.datetime(2026, 12, 22, 10, 0), tick=False)
def test_hertsmere_received_tuesday_22_december_2026(area, officer):
    case = receive_case(area=area, by=officer, received_on=D(2026, 12, 22))
    assert _due(case) == {
        # 23, 24, (25 Christmas, 26-27 weekend, 28 Boxing Day substitute), 29
        "acknowledge": D(2026, 12, 29),
        # ... 30, 31, (1 January), 4, 5, 6, 7, 8
        "threshold_decision": D(2027, 1, 8),
    }
    ack = case.deadlines.get(step="acknowledge")
    assert ack.rule == "CR1 acknowledgement within 3 working days"
    assert ack.state == DeadlineState.OPEN
    assert ack.responsible_agency == area.administering_agency
    # The transition's own timeline entry says what happened; deadlines add none.
    assert not case.timeline.filter(kind=EventKind.DEADLINE).exists()


def test_events_other_apps_record_are_on_the_timeline(area, officer):
    case = receive_case(area=area, by=officer)
    services.record_event(case=case, event="withdrawn", on=case.received_on, by=officer)
    summaries = list(
        case.timeline.filter(kind=EventKind.DEADLINE).values_list("summary", flat=True)
    )
    assert summaries[0].startswith("Deadlines started: Withdrawal letter within 10 working days")
    assert summaries[1].startswith("Deadlines waived: ")
    services.record_event(case=case, event="withdrawal_letter_sent", by=officer)
    assert case.timeline.filter(
        summary="Deadline met on time: Withdrawal letter within 10 working days"
    ).exists()


def test_a_closure_day_moves_the_due_date(area, officer):
    ClosureDay.objects.create(date=D(2026, 12, 24), name="Council closure", area=area)
    with time_machine.travel(dt.datetime(2026, 12, 22, 10, 0), tick=False):
        case = receive_case(area=area, by=officer, received_on=D(2026, 12, 22))
    assert _due(case)["acknowledge"] == D(2026, 12, 30)


def test_events_meet_on_time_and_late(area, officer):
    with time_machine.travel(dt.datetime(2026, 12, 22, 10, 0), tick=False):
        case = receive_case(area=area, by=officer, received_on=D(2026, 12, 22))
    from letters.services import letter_send

    with time_machine.travel(dt.datetime(2026, 12, 29, 16, 0), tick=False):
        letter_send(case=case, kind="CR1", by=officer)  # acknowledges, and is the evidence
        case = case.__class__.objects.get(pk=case.pk)
    ack = case.deadlines.get(step="acknowledge")
    assert (ack.state, ack.met_on) == (DeadlineState.MET_ON_TIME, D(2026, 12, 29))
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, 0), tick=False):
        case = case_transition(case=case, name="start_gathering", by=officer)
    assert case.deadlines.get(step="agency_responses").due == D(2027, 1, 11)
    with time_machine.travel(dt.datetime(2027, 1, 11, 9, 0), tick=False):
        case = case_transition(case=case, name="record_threshold_met", by=officer)
        letter_send(case=case, kind="CR4", by=officer)
    decided = case.deadlines.get(step="threshold_decision")
    assert decided.state == DeadlineState.MET_LATE
    due = _due(case)
    assert due["victim_contact"] == D(2027, 1, 18)
    assert "meeting" not in due  # Hertsmere section 12 sets no date for the meeting


def test_record_event_is_idempotent_and_rejects_unknown_events(area, officer):
    case = receive_case(area=area, by=officer)
    before = case.deadlines.count()
    services.record_event(case=case, event="received", on=case.received_on, by=officer)
    assert case.deadlines.count() == before
    with pytest.raises(ValueError):
        services.record_event(case=case, event="made_up", by=officer)


def test_withdrawal_waives_what_is_left_and_starts_the_withdrawal_letter(area, officer):
    case = receive_case(area=area, by=officer)
    case = case_transition(case=case, name="withdraw", by=officer, reason="Victim not reachable")
    states = {d.step: d.state for d in case.deadlines.all()}
    assert states["acknowledge"] == DeadlineState.WAIVED
    assert states["threshold_decision"] == DeadlineState.WAIVED
    assert states["withdrawal_letter"] == DeadlineState.OPEN
    services.record_event(case=case, event="withdrawal_letter_sent", by=officer)
    assert case.deadlines.get(step="withdrawal_letter").state == DeadlineState.MET_ON_TIME


def test_assigning_an_officer_makes_them_responsible(area, officer, users):
    case = receive_case(area=area, by=officer)
    assert case.deadlines.filter(responsible_user__isnull=True).exists()
    case_assign_officer(case=case, by=officer, officer=officer)
    assert set(case.deadlines.values_list("responsible_user", flat=True)) == {officer.pk}


def test_ad_hoc_deadline_on_a_subject(area, officer, users):
    case = receive_case(area=area, by=officer)
    subject = case.incidents.first()  # any model instance stands in for an action
    deadline = services.deadline_start(
        case=case,
        key=f"action:{subject.pk}",
        step="action",
        due=D(2026, 1, 30),
        rule="Install CCTV",
        responsible_user=officer,
        subject=subject,
        ends_event="monitoring_started",
        escalates=True,
    )
    again = services.deadline_start(
        case=case, key=f"action:{subject.pk}", step="action", due=D(2027, 1, 1), rule="x"
    )
    assert again.pk == deadline.pk and again.due == D(2026, 1, 30)
    assert list(services.deadlines_for_subject(subject)) == [deadline]
    assert deadline.responsible_agency == officer.agency
    # A case-level event does not meet a subject's deadline; the subject's does.
    services.record_event(case=case, event="monitoring_started", by=officer)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.OPEN
    services.record_event(case=case, event="monitoring_started", by=officer, subject=subject)
    deadline.refresh_from_db()
    assert deadline.state in (DeadlineState.MET_ON_TIME, DeadlineState.MET_LATE)


def test_waive_needs_a_reason_and_permission(area, officer, users):
    case = receive_case(area=area, by=officer)
    deadline = case.deadlines.get(step="acknowledge")
    with pytest.raises(ValidationError):
        services.deadline_waive(deadline=deadline, reason=" ", by=officer)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.deadline_waive(deadline=deadline, reason="x", by=users["merton.officer"])
    services.deadline_waive(
        deadline=deadline, reason="Applicant acknowledged in person", by=officer
    )
    deadline.refresh_from_db()
    assert (deadline.state, deadline.waived_reason) == (
        DeadlineState.WAIVED,
        "Applicant acknowledged in person",
    )


def test_delay_is_on_the_timeline_and_the_applicant_is_emailed(
    area, officer, django_capture_on_commit_callbacks
):
    case = receive_case(area=area, by=officer)
    deadline = case.deadlines.get(step="threshold_decision")
    with pytest.raises(ValidationError) as excinfo:
        services.deadline_record_delay(
            deadline=deadline, new_due=deadline.due, reason="", by=officer
        )
    assert set(excinfo.value.error_dict) == {"reason", "new_due"}
    new_due = deadline.due + dt.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        services.deadline_record_delay(
            deadline=deadline, new_due=new_due, reason="Police records are late", by=officer
        )
    deadline.refresh_from_db()
    assert deadline.due == new_due and deadline.original_due < new_due
    event = case.timeline.get(kind=EventKind.DEADLINE, summary__startswith="Delay:")
    assert event.visible_to_applicant and event.reason == "Police records are late"
    note = Notification.objects.get(kind=NotificationKind.DELAY)
    assert note.state == "sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [case.applicant.email]
    assert "Police records are late" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert case.timeline.filter(kind=EventKind.EMAIL).count() == 1


def test_overdue_filter_hook_uses_deadlines(area, officer):
    from cases.selectors import case_list

    with time_machine.travel(dt.datetime(2026, 12, 22, 10, 0), tick=False):
        case = receive_case(area=area, by=officer, received_on=D(2026, 12, 22))
    with time_machine.travel(dt.datetime(2026, 12, 29, 10, 0), tick=False):
        assert not case_list(user=officer, filters={"overdue": True}).exists()
    with time_machine.travel(dt.datetime(2026, 12, 30, 10, 0), tick=False):
        assert list(case_list(user=officer, filters={"overdue": True})) == [case]
    Deadline.objects.filter(case=case).update(state=DeadlineState.WAIVED)
    with time_machine.travel(dt.datetime(2026, 12, 30, 10, 0), tick=False):
        assert not case_list(user=officer, filters={"overdue": True}).exists()


def test_responsible_reads_as_words_not_a_slug():
    from deadlines.models import Deadline

    assert Deadline(responsible_role="relevant_bodies").responsible_label == "Relevant bodies"
    assert Deadline(responsible_role="some_local_role").responsible_label == "Some local role"
