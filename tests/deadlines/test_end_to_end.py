"""Every seed procedure's timescales become dated deadlines on an end-to-end case,
across the 2026 Christmas and New Year bank holidays, and are met by the events."""

import datetime as dt

import pytest
import time_machine

from asbcr.calendar import calendar_for
from cases.constants import Channel
from cases.services import case_transition
from deadlines import rules, services
from deadlines.constants import DeadlineState
from deadlines.preview import preview
from partnerships.models import Agency
from tests.evidence import with_evidence
from tests.factories import receive_case

D = dt.date
pytestmark = pytest.mark.django_db
RECEIVED = D(2026, 12, 22)  # a Tuesday, before Christmas, Boxing Day (observed) and New Year

AFTER_RECEIPT = [
    "acknowledged",
    "gathering_started",
    "agency_responses_in",
    "officer_allocated",
    "threshold_met",
    "threshold_decided",
    "decision_letter_sent",
    "victim_contacted",
    "panel_arranged",
    "panel_held",
    "minutes_circulated",
    "outcome_sent",
    "appeal_lodged",
    "appeal_window_closed",
    "appeal_decided",
    "escalation_update_sent",
]


def _receive(area, by, **extra):
    with time_machine.travel(dt.datetime(2026, 12, 22, 10), tick=False):
        return receive_case(area=area, by=by, received_on=RECEIVED, **extra)


@pytest.mark.parametrize(
    "area_slug", ["hertsmere", "staffordshire", "merton", "bedford", "devon-and-cornwall"]
)
def test_every_timescale_of_every_seed_procedure(reference, area_slug):
    area = reference["areas"][area_slug]
    by = (
        next(u for u in reference["users"].values() if u.is_superuser)
        if any(u.is_superuser for u in reference["users"].values())
        else None
    )
    forwarding = {}
    if area_slug == "merton":
        forwarding = {
            "channel": Channel.OTHER_BODY,
            "forwarded_by_agency": Agency.objects.get(slug="clarion-housing"),
            "forwarding_agency_received_on": D(2026, 12, 21),
            "forwarded_on": D(2026, 12, 22),
        }
    case = _receive(area, by, **forwarding)
    withdrawn = _receive(area, by)
    day = RECEIVED
    for event in AFTER_RECEIPT:
        day += dt.timedelta(days=1)
        services.record_event(case=case, event=event, on=day)
    services.record_event(case=withdrawn, event="withdrawn", on=RECEIVED)
    services.record_event(case=withdrawn, event="withdrawal_letter_sent", on=D(2027, 1, 5))

    steps = {ts.step for ts in rules.timescales(case.procedure_version.data)}
    created = set(case.deadlines.values_list("step", flat=True)) | set(
        withdrawn.deadlines.values_list("step", flat=True)
    )
    assert created == steps
    # Nothing left waiting on the case that went all the way.
    assert not case.deadlines.filter(state=DeadlineState.OPEN).exists()
    # Due dates from receipt agree with the admin preview (one counting rule everywhere).
    expected = {
        row["step"]: row["due"]
        for row in preview(
            case.procedure_version.data, received=RECEIVED, calendar=calendar_for(area.nation)
        )
        if row["starts"] == "received"
    }
    actual = {d.step: d.due.isoformat() for d in case.deadlines.filter(starts_event="received")}
    assert actual == expected


def test_hertsmere_through_the_workflow(reference):
    area = reference["areas"]["hertsmere"]
    officer = reference["users"]["hertsmere.officer"]
    case = _receive(area, officer)

    def step(day, name, **kw):
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 11), tick=False):
            with_evidence(case, name, officer)
            return case_transition(case=case, name=name, by=officer, **kw)

    def send(day, kind):
        from letters.services import letter_send

        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 11), tick=False):
            letter_send(case=case, kind=kind, by=officer)
        return case.__class__.objects.get(pk=case.pk)

    # The CR1 letter acknowledges the application and meets its deadline.
    case = send(D(2026, 12, 24), "CR1")
    assert case.state == "acknowledged"
    case = step(D(2026, 12, 29), "start_gathering")
    case = step(D(2027, 1, 8), "record_threshold_met")
    due = {d.step: (d.due, d.state) for d in case.deadlines.all()}
    assert due["acknowledge"] == (D(2026, 12, 29), DeadlineState.MET_ON_TIME)
    # CR5: 5 working days from Tuesday 29 December: 30, 31, (1 Jan), 4, 5, 6
    assert due["agency_responses"] == (D(2027, 1, 6), DeadlineState.OPEN)
    # Deciding is not telling: the threshold deadline waits for the CR4 letter.
    assert due["threshold_decision"] == (D(2027, 1, 8), DeadlineState.OPEN)
    case = send(D(2027, 1, 8), "CR4")
    threshold = case.deadlines.get(step="threshold_decision")
    assert threshold.state == DeadlineState.MET_ON_TIME
    assert due["victim_contact"] == (D(2027, 1, 15), DeadlineState.OPEN)
    case = step(D(2027, 1, 20), "arrange_panel")
    case = step(D(2027, 2, 3), "record_review")
    due = {d.step: d.due for d in case.deadlines.all()}
    assert due["outcome"] == D(2027, 2, 10)
    assert due["minutes"] == D(2027, 2, 10)
    case = step(D(2027, 2, 11), "send_outcome")
    outcome = case.deadlines.get(step="outcome")
    assert (outcome.state, outcome.met_on) == (DeadlineState.MET_LATE, D(2027, 2, 11))
