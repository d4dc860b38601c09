"""A step is done when its evidence exists, not when a button is pressed (issue 17 part 1)."""

import pytest
from django.urls import reverse

from cases.constants import CaseState
from cases.models import Case
from cases.services import (
    CaseWorkflowError,
    case_record_victim_contact,
    case_transition,
    transition_blockers,
)
from deadlines.constants import DeadlineState
from letters import services as letters
from letters.constants import LetterKind
from partnerships.models import User
from tests.evidence import final_plan
from tests.letters.factories import case_in_state

pytestmark = pytest.mark.django_db


def deadline(case, step):
    return case.deadlines.get(step=step)


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_acknowledging_leaves_the_cr1_deadline_open_until_the_cr1_is_sent(area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    case = case_transition(case=case, name="acknowledge", by=officer)
    assert deadline(case, "acknowledge").state == DeadlineState.OPEN
    letters.letter_send(case=case, kind=LetterKind.CR1, by=officer)
    assert deadline(case, "acknowledge").state == DeadlineState.MET_ON_TIME


def test_sending_the_cr1_acknowledges_a_received_case_in_one_step(area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    letters.letter_send(case=case, kind=LetterKind.CR1, by=officer)
    case = fresh(case)
    assert case.state == CaseState.ACKNOWLEDGED
    assert deadline(case, "acknowledge").state == DeadlineState.MET_ON_TIME
    assert case.timeline.filter(detail__transition="acknowledge").count() == 1
    # A second CR1 (a resend) does not acknowledge again.
    letters.letter_send(case=case, kind=LetterKind.CR1, by=officer)
    assert fresh(case).timeline.filter(detail__transition="acknowledge").count() == 1


@pytest.mark.parametrize(
    ("transition", "letter"),
    [("record_threshold_met", LetterKind.CR4), ("record_threshold_not_met", LetterKind.CR3)],
)
def test_the_threshold_deadline_is_met_by_the_letter_not_the_decision(
    area, officer, transition, letter
):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    case = case_transition(case=case, name=transition, by=officer, reason="Reasons.")
    assert deadline(case, "threshold_decision").state == DeadlineState.OPEN
    letters.letter_send(case=case, kind=letter, by=officer)
    assert deadline(case, "threshold_decision").state == DeadlineState.MET_ON_TIME


def test_sending_the_outcome_letter_records_that_the_outcome_was_sent(area, officer):
    case = case_in_state(area=area, by=officer, state="reviewed")
    letters.letter_send(case=case, kind=LetterKind.OUTCOME, by=officer)
    case = fresh(case)
    assert case.state == CaseState.OUTCOME_SENT
    assert case.timeline.filter(detail__transition="send_outcome").count() == 1


def test_speaking_to_the_victim_meets_the_victim_contact_deadline(area, officer):
    case = case_in_state(area=area, by=officer, state="threshold_met")
    assert deadline(case, "victim_contact").state == DeadlineState.OPEN
    case_record_victim_contact(case=case, by=officer, text="Talked about attending the meeting.")
    assert deadline(case, "victim_contact").state == DeadlineState.MET_ON_TIME


# The service itself refuses a step whose evidence is missing, whoever calls it: a page,
# the API, a script. The reasons are the same words the task list shows.


def test_the_review_cannot_be_recorded_until_the_action_plan_is_final(area, officer):
    case = case_in_state(area=area, by=officer, state="panel_arranged")
    with pytest.raises(CaseWorkflowError) as refused:
        case_transition(case=case, name="record_review", by=officer)
    assert any("action plan is not final" in r for r in refused.value.reasons)
    assert fresh(case).state == CaseState.PANEL_ARRANGED
    assert transition_blockers(fresh(case), "record_review") == refused.value.reasons
    final_plan(case, officer)
    assert transition_blockers(fresh(case), "record_review") == []
    assert case_transition(case=fresh(case), name="record_review", by=officer).state == (
        CaseState.REVIEWED
    )


def test_the_outcome_cannot_be_recorded_as_sent_without_the_outcome_letter(area, officer):
    case = case_in_state(area=area, by=officer, state="reviewed")
    with pytest.raises(CaseWorkflowError) as refused:
        case_transition(case=case, name="send_outcome", by=officer)
    assert refused.value.reasons == [
        "The outcome letter has not been sent: sending it records that the outcome was sent."
    ]
    assert fresh(case).state == CaseState.REVIEWED
    assert not fresh(case).timeline.filter(detail__transition="send_outcome").exists()


def test_evidence_from_before_the_case_was_reopened_does_not_count(area, officer):
    """A reopened case goes to a new panel: last round's final plan and outcome letter
    prove nothing about this round."""
    case = case_in_state(area=area, by=officer, state="reviewed")
    letters.letter_send(case=case, kind=LetterKind.OUTCOME, by=officer)
    reviewer = User.objects.create_superuser("evidence.reviewer", password=None)
    case = case_transition(
        case=fresh(case),
        name="reopen_after_appeal",
        by=reviewer,
        reason="The appeal found an incident was missed.",
    )
    case = case_transition(case=case, name="arrange_panel", by=officer)
    assert any("action plan is not final" in r for r in transition_blockers(case, "record_review"))
    final_plan(case, officer)
    case = case_transition(case=fresh(case), name="record_review", by=officer)
    assert transition_blockers(case, "send_outcome") == [
        "The outcome letter has not been sent: sending it records that the outcome was sent."
    ]


def test_posting_the_step_directly_does_not_record_it(client, area, officer):
    case = case_in_state(area=area, by=officer, state="reviewed")
    client.force_login(officer)
    url = reverse("cases:transition", args=[case.reference, "send_outcome"])
    response = client.post(url, {"expected_state": case.state}, follow=True)
    assert response.status_code == 200
    assert "outcome letter" in response.content.decode()
    assert fresh(case).state == CaseState.REVIEWED
