"""A step is done when its evidence exists, not when a button is pressed (issue 17 part 1)."""

import pytest

from cases.constants import CaseState
from cases.models import Case
from cases.services import case_record_victim_contact, case_transition
from deadlines.constants import DeadlineState
from letters import services as letters
from letters.constants import LetterKind
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
