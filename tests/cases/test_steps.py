"""The case task list: each step's status rules, and the next step as the primary button
for a Hertsmere and a Merton case in each state (issue 17 part 1)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.risk import matrix_for as risk_matrix
from cases.services import (
    agency_response_record,
    case_record_victim_contact,
    case_transition,
    risk_assess,
)
from cases.steps import StepStatus, task_list
from letters import services as letters
from letters.constants import LetterKind
from panels import services as panels
from tests.letters.factories import case_in_state
from tests.panels.factories import meeting_in

pytestmark = pytest.mark.django_db


def fresh(case):
    return Case.objects.get(pk=case.pk)


def steps_of(case, user):
    return {s.key: s for s in task_list(case=fresh(case), user=user).steps}


def primary(case, user):
    step = task_list(case=fresh(case), user=user).my_next_step
    return step.action_label if step else None


def respond_all(case, by):
    for involvement in fresh(case).involvements.select_related("agency"):
        agency_response_record(
            case=case,
            agency=involvement.agency,
            by=by,
            reports_held="Two reports.",
            actions_taken="A warning letter.",
        )


def assess(case, by, key):
    matrix = risk_matrix(fresh(case).procedure_version.data, key)
    risk_assess(
        case=fresh(case),
        by=by,
        subject=matrix["subject"],
        matrix_key=key,
        answers={q["key"]: next(iter(q["options"])) for q in matrix["questions"]},
        assessed_on=timezone.localdate(),
    )


def test_steps_are_in_procedure_order_with_words_for_status(area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    tasks = task_list(case=case, user=officer)
    keys = [s.key for s in tasks.steps]
    assert keys[:6] == [
        "receipt",
        "acknowledge",
        "notify_bodies",
        "agency_responses",
        "risk_assessment",
        "threshold_decision",
    ]
    assert keys.index("decision_letter") < keys.index("victim_contact") < keys.index("panel")
    assert keys.index("panel") < keys.index("minutes") < keys.index("outcome")
    assert keys.index("outcome") < keys.index("actions") < keys.index("close")
    steps = {s.key: s for s in tasks.steps}
    assert steps["receipt"].status == StepStatus.DONE
    assert steps["acknowledge"].status == StepStatus.NOT_STARTED
    assert steps["acknowledge"].due is not None  # from the CR1 deadline
    assert steps["notify_bodies"].status == StepStatus.CANNOT_START
    assert steps["panel"].status == StepStatus.CANNOT_START
    assert {s.status_label for s in tasks.steps} <= {
        "Done",
        "Not started",
        "Cannot start yet",
        "In progress",
        "Late",
        "Blocked",
    }


def test_hertsmere_next_step_at_each_stage_is_the_primary_button(area, officer, users):
    case = case_in_state(area=area, by=officer, state="received")
    assert primary(case, officer) == "Acknowledge and send the CR1 letter"

    letters.letter_send(case=case, kind=LetterKind.CR1, by=officer)
    steps = steps_of(case, officer)
    assert steps["acknowledge"].status == StepStatus.DONE
    assert primary(case, officer) == "Ask the relevant bodies for their responses"

    case = case_transition(case=fresh(case), name="start_gathering", by=officer)
    assert primary(case, officer) == "Record an agency response"
    respond_all(case, officer)
    steps = steps_of(case, officer)
    assert steps["agency_responses"].status == StepStatus.DONE
    assert primary(case, officer) == "Assess the risk: Hertsmere victim risk assessment"
    assess(case, officer, "hertsmere-victim")
    assert steps_of(case, officer)["risk_assessment"].status == StepStatus.DONE
    assert primary(case, officer) == "Decide the threshold"

    case = case_transition(
        case=fresh(case), name="record_threshold_met", by=officer, reason="Three incidents."
    )
    steps = steps_of(case, officer)
    assert steps["threshold_decision"].status == StepStatus.DONE
    assert steps["decision_letter"].status == StepStatus.NOT_STARTED
    assert primary(case, officer) == "Send the CR4 letter"

    letters.letter_send(case=fresh(case), kind=LetterKind.CR4, by=officer)
    assert steps_of(case, officer)["decision_letter"].status == StepStatus.DONE
    assert primary(case, officer) == "Record that you spoke to the victim"

    case_record_victim_contact(case=fresh(case), by=officer, text="Talked about the meeting.")
    assert steps_of(case, officer)["victim_contact"].status == StepStatus.DONE
    assert primary(case, officer) == "List the case for a panel meeting"


def test_a_listed_panel_that_breaks_the_rules_is_blocked_with_the_reasons(area, officer):
    case = case_in_state(area=area, by=officer, state="threshold_met")
    letters.letter_send(case=fresh(case), kind=LetterKind.CR4, by=officer)
    case_record_victim_contact(case=fresh(case), by=officer, text="Talked about the meeting.")
    panels.case_list_for_meeting(case=case, meeting=meeting_in(area, by=officer), by=officer)
    steps = steps_of(case, officer)
    panel = steps["panel"]
    assert panel.status == StepStatus.BLOCKED
    assert any("quorum" in r.lower() or "bodies" in r.lower() for r in panel.blocked_reasons)
    assert panel.action_label == "Complete the panel"
    assert primary(case, officer) == "Complete the panel"
    assert primary(case, officer) != "Record that the panel has reviewed the case"
    assert steps["minutes"].status == StepStatus.CANNOT_START
    assert steps["outcome"].status == StepStatus.CANNOT_START


def test_the_outcome_step_is_done_by_the_outcome_letter(area, officer):
    case = case_in_state(area=area, by=officer, state="reviewed")
    assert steps_of(case, officer)["outcome"].status == StepStatus.NOT_STARTED
    case_record_victim_contact(case=fresh(case), by=officer, text="Talked about the meeting.")
    assert primary(case, officer) == "Send the outcome letter"
    letters.letter_send(case=fresh(case), kind=LetterKind.OUTCOME, by=officer)
    steps = steps_of(case, officer)
    assert steps["outcome"].status == StepStatus.DONE
    assert fresh(case).state == "outcome_sent"
    assert steps["close"].status in (StepStatus.NOT_STARTED, StepStatus.BLOCKED)


def test_a_late_step_says_so(area, officer, time_machine):
    case = case_in_state(area=area, by=officer, state="received")
    due = steps_of(case, officer)["acknowledge"].due
    time_machine.move_to(due + dt.timedelta(days=3))
    assert steps_of(case, officer)["acknowledge"].status == StepStatus.LATE


def test_a_spoc_is_offered_their_own_agencys_response(area, officer, users):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    spoc = users["hertsmere.spoc"]
    from cases.services import case_involve_agency

    case_involve_agency(case=case, agency=spoc.agency, by=officer)
    assert primary(case, spoc) == "Give your agency's response"
    agency_response_record(
        case=case, agency=spoc.agency, by=spoc, reports_held="One.", actions_taken="None."
    )
    assert primary(case, spoc) != "Give your agency's response"


def test_withdrawn_case_leaves_only_the_withdrawal_letter_and_closing(area, officer):
    case = case_in_state(area=area, by=officer, state="withdrawn")
    tasks = task_list(case=fresh(case), user=officer)
    steps = {s.key: s for s in tasks.steps}
    assert steps["withdrawal_letter"].status == StepStatus.NOT_STARTED
    assert steps["threshold_decision"].status == StepStatus.NOT_NEEDED
    assert "panel" not in steps
    assert tasks.my_next_step.action_label == "Send the withdrawal letter"


@pytest.fixture
def merton(reference):
    return reference["areas"]["merton"]


@pytest.fixture
def merton_officer(users):
    return users["merton.officer"]


def test_merton_next_step_at_each_stage(merton, merton_officer):
    officer = merton_officer
    case = case_in_state(area=merton, by=officer, state="received")
    steps = steps_of(case, officer)
    assert "threshold_decision" not in steps  # the core panel votes at the meeting
    assert "threshold_vote" in steps and "decision_letter" not in steps
    assert primary(case, officer) == "Acknowledge and send the CR1 letter"
    letters.letter_send(case=case, kind=LetterKind.CR1, by=officer)
    assert fresh(case).state == "acknowledged"
    case = case_transition(case=fresh(case), name="start_gathering", by=officer)
    respond_all(case, officer)
    # Merton: the SPOC completes the risk matrix on receipt, before the core panel meets.
    assert primary(case, officer) == "Assess the risk: Merton ASB risk matrix (ASBU model)"
    assess(case, officer, "merton-matrix")
    assert primary(case, officer) == "List the case for a panel meeting"
    panels.case_list_for_meeting(case=case, meeting=meeting_in(merton, by=officer), by=officer)
    steps = steps_of(case, officer)
    assert steps["panel"].status == StepStatus.BLOCKED
    assert steps["threshold_vote"].status == StepStatus.CANNOT_START
    assert primary(case, officer) == "Complete the panel"


def test_the_case_page_shows_the_next_step_as_its_only_primary_button(client, area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    client.force_login(officer)
    body = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert 'id="next-step"' in body and "Acknowledge and send the CR1 letter" in body
    assert body.count('class="govuk-button"') == 1
    assert "govuk-task-list" in body
    assert "Record that the outcome has been sent" not in body


@pytest.mark.parametrize("name", ["record_review", "send_outcome"])
def test_steps_done_by_their_evidence_have_no_button_of_their_own(client, area, officer, name):
    case = case_in_state(area=area, by=officer, state="reviewed")
    client.force_login(officer)
    url = reverse("cases:transition", args=[case.reference, name])
    response = client.get(url)
    assert response.status_code == 200
    assert "There is no separate step for this" in response.content.decode()
    response = client.post(url, {"expected_state": "reviewed"})
    assert fresh(case).state == "reviewed"


def test_open_the_meeting_is_not_offered_while_the_panel_rules_block_it(client, area, officer):
    case = case_in_state(area=area, by=officer, state="threshold_met")
    listing = panels.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    client.force_login(officer)
    body = client.get(reverse("panels:listing", args=[listing.pk])).content.decode()
    assert "The meeting cannot open yet" in body
    assert ">Open the meeting</button>" not in body
