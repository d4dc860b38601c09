"""Two officers (or one double click) record the threshold decision at the same moment."""

import pytest
from django.urls import reverse

from cases import services as case_services
from cases.constants import CaseState
from cases.models import TimelineEvent
from partnerships.models import Agency
from tests.concurrency.race import TRIALS, client_for, page_text, race
from tests.factories import receive_case
from thresholds import services
from thresholds.models import ThresholdDecision


def decidable_case(area, officer):
    """A Hertsmere case gathering information, the council's view recorded: decidable."""
    case = receive_case(area=area, by=officer)
    case = case_services.case_transition(case=case, name="acknowledge", by=officer)
    case = case_services.case_transition(case=case, name="start_gathering", by=officer)
    services.body_view_record(
        case=case,
        agency=Agency.objects.get(slug="hertsmere-borough-council"),
        by=officer,
        view="met",
        reasons="Three complaints in six months.",
    )
    return case


def decision_form(rationale: str) -> dict:
    return {"confirm": "on", "factor_persistence": rationale}


def assert_one_decision(case):
    assert ThresholdDecision.objects.filter(case=case).count() == 1
    moves = TimelineEvent.objects.filter(case=case, detail__transition="record_threshold_met")
    assert moves.count() == 1
    case.refresh_from_db()
    assert case.state == CaseState.THRESHOLD_MET


@pytest.mark.services
@pytest.mark.parametrize("same_officer", [False, True], ids=["two officers", "double click"])
def test_concurrent_decisions_store_one_and_tell_the_other(
    transactional_db, reference, area, users, same_officer
):
    first = users["hertsmere.officer"]
    second = first if same_officer else users["hertsmere.manager"]
    for trial in range(TRIALS):
        case = decidable_case(area, first)
        url = reverse("thresholds:decide", args=[case.reference])
        texts = [f"Persistent for a year (trial {trial}, A)", f"Still going (trial {trial}, B)"]
        clients = [client_for(first), client_for(second)]
        outcomes = race(
            *(
                lambda c=c, t=t, u=url: c.post(u, decision_form(t))
                for c, t in zip(clients, texts, strict=True)
            )
        )
        assert all(exc is None for _, exc in outcomes), [exc for _, exc in outcomes]
        codes = sorted(response.status_code for response, _ in outcomes)
        assert codes == [200, 302], codes
        loser_index = next(i for i, (r, _) in enumerate(outcomes) if r.status_code == 200)
        loser = page_text(outcomes[loser_index][0])
        who = "You already" if same_officer else "Another officer"
        assert f"{who}" in loser and "recorded the decision at" in loser
        assert "Threshold met" in loser
        assert texts[loser_index] in loser  # what they typed is still in the form
        assert_one_decision(case)


def test_a_decision_recorded_since_the_page_was_loaded_is_reported_plainly(client, area, users):
    officer, manager = users["hertsmere.officer"], users["hertsmere.manager"]
    case = decidable_case(area, officer)
    url = reverse("thresholds:decide", args=[case.reference])
    client.force_login(officer)
    assert client.get(url).status_code == 200
    services.threshold_decide(case=case, by=manager)  # meanwhile, at another desk
    response = client.post(url, decision_form("My careful rationale"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Another officer (Ravi Shah) recorded the decision at" in text
    assert "Threshold met" in text
    assert "My careful rationale" in text
    assert_one_decision(case)
