"""Decisions through the services: views, the procedure's decision rule, the transition."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from asbcr.models import AppendOnlyError
from cases import services as case_services
from cases.constants import CaseState
from partnerships.models import Agency
from tests.factories import receive_case
from thresholds import selectors, services
from thresholds.models import ThresholdDecision

pytestmark = pytest.mark.django_db


def gathering(area, by, **overrides):
    case = receive_case(area=area, by=by, **overrides)
    case = case_services.case_transition(case=case, name="acknowledge", by=by)
    return case_services.case_transition(case=case, name="start_gathering", by=by)


def agency(slug):
    return Agency.objects.get(slug=slug)


def test_administering_body_decides_met_and_the_case_moves(area, officer, users):
    case = gathering(area, officer)
    services.body_view_record(
        case=case,
        agency=agency("hertsmere-borough-council"),
        by=officer,
        view="met",
        reasons="Three qualifying complaints in six months.",
    )
    decision = services.threshold_decide(case=case, by=officer)
    case.refresh_from_db()
    assert case.state == CaseState.THRESHOLD_MET
    assert decision.met and decision.round == 1
    assert decision.explanation["met"] is True
    assert decision.views[0]["agency_slug"] == "hertsmere-borough-council"
    latest = selectors.latest_decision(case)
    assert latest == decision and "threshold for a case review is met" in latest.reasons_text
    event = case.timeline.filter(to_state=CaseState.THRESHOLD_MET).get()
    assert "administering body" in event.reason


def test_decision_is_immutable(area, officer):
    case = gathering(area, officer)
    services.body_view_record(
        case=case,
        agency=agency("hertsmere-borough-council"),
        by=officer,
        view="not_met",
        reasons="Not persistent.",
    )
    decision = services.threshold_decide(case=case, by=officer)
    decision.met = True
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        ThresholdDecision.objects.filter(pk=decision.pk).update(met=True)


def test_not_met_reasons_go_to_the_transition(area, officer):
    case = gathering(area, officer, n_incidents=2)
    services.body_view_record(
        case=case,
        agency=agency("hertsmere-borough-council"),
        by=officer,
        view="not_met",
        reasons="Only two complaints.",
    )
    decision = services.threshold_decide(case=case, by=officer)
    case.refresh_from_db()
    assert case.state == CaseState.THRESHOLD_NOT_MET
    assert not decision.met
    assert "not met" in decision.reasons_text
    assert "2 counted, 3 needed" in case.timeline.get(to_state=CaseState.THRESHOLD_NOT_MET).reason


def test_waiting_for_the_administering_body(area, officer, users):
    case = gathering(area, officer)
    with pytest.raises(ValidationError, match="administering body"):
        services.threshold_decide(case=case, by=officer)


def test_bodies_accepting_below_the_rules_need_a_discretionary_factor(area, officer):
    case = gathering(area, officer, n_incidents=1)
    services.body_view_record(
        case=case,
        agency=agency("hertsmere-borough-council"),
        by=officer,
        view="met",
        reasons="Serious harm.",
    )
    with pytest.raises(ValidationError, match="discretionary"):
        services.threshold_decide(case=case, by=officer)
    with pytest.raises(ValidationError, match="not a factor this procedure allows"):
        services.threshold_decide(case=case, by=officer, discretionary={"risk": "High"})
    decision = services.threshold_decide(
        case=case, by=officer, discretionary={"harm": "Victim unable to sleep for months."}
    )
    assert decision.met and decision.discretionary_factors == {
        "harm": "Victim unable to sleep for months."
    }
    assert "harm or potential harm" in decision.reasons_text


def test_senior_manager_route(area, officer):
    case = gathering(area, officer, n_incidents=1)
    decision = services.threshold_decide(
        case=case,
        by=officer,
        senior_manager={
            "role": "community_safety_manager",
            "name": "Ravi Shah",
            "rationale": "Elderly victim with dementia targeted nightly.",
        },
    )
    assert decision.met and decision.decided_by == "senior_manager"
    assert decision.senior_manager["role_label"] == "Community Safety Manager or above"


def test_a_spoc_records_only_their_own_agencys_view(area, officer, users):
    case = gathering(area, officer)
    case_services.case_involve_agency(
        case=case, agency=agency("hertfordshire-constabulary"), by=officer
    )
    spoc = users["hertsmere.spoc"]
    services.body_view_record(
        case=case, agency=agency("hertfordshire-constabulary"), by=spoc, view="met", reasons="Yes."
    )
    with pytest.raises(PermissionDenied):
        services.body_view_record(
            case=case,
            agency=agency("hertsmere-borough-council"),
            by=spoc,
            view="met",
            reasons="Yes.",
        )
    with pytest.raises(PermissionDenied):
        services.threshold_decide(case=case, by=spoc)


def test_staffordshire_any_one_body_is_enough(reference, users):
    area = reference["areas"]["staffordshire"]
    officer = users["staffordshire.officer"]
    case = gathering(area, officer)
    type(case).objects.filter(pk=case.pk).update(asb_persists=True)
    case.refresh_from_db()
    case_services.case_involve_agency(case=case, agency=agency("staffordshire-police"), by=officer)
    services.body_view_record(
        case=case,
        agency=agency("stafford-borough-council"),
        by=officer,
        view="not_met",
        reasons="We have had few calls.",
    )
    services.body_view_record(
        case=case,
        agency=agency("staffordshire-police"),
        by=officer,
        view="met",
        reasons="Three related incidents reported to us.",
    )
    decision = services.threshold_decide(case=case, by=officer)
    assert decision.met
    assert "any one body is enough" in decision.reasons_text


@pytest.mark.parametrize(
    "votes,met", [(("met", "met", "not_met"), True), (("met", "not_met", "abstain"), False)]
)
def test_merton_two_of_three_at_the_meeting(reference, users, votes, met):
    area = reference["areas"]["merton"]
    officer = users["merton.officer"]
    case = gathering(area, officer)
    for slug in ("merton-police", "clarion-housing"):
        case_services.case_involve_agency(case=case, agency=agency(slug), by=officer)
    case = case_services.case_transition(case=case, name="arrange_panel_for_decision", by=officer)
    partners = ("safer-merton", "merton-police", "clarion-housing")
    services.body_view_record(
        case=case, agency=agency(partners[0]), by=officer, view=votes[0], reasons="Vote."
    )
    with pytest.raises(ValidationError, match="still to vote"):
        services.threshold_decide(case=case, by=officer)
    for slug, vote in zip(partners[1:], votes[1:], strict=True):
        services.body_view_record(
            case=case, agency=agency(slug), by=officer, view=vote, reasons="Vote."
        )
    decision = services.threshold_decide(case=case, by=officer)
    case.refresh_from_db()
    assert decision.met is met
    assert case.state == (CaseState.PANEL_ARRANGED if met else CaseState.THRESHOLD_NOT_MET)


def test_a_new_decision_after_appeal_is_a_new_record(area, officer, users):
    case = gathering(area, officer, n_incidents=2)
    council = agency("hertsmere-borough-council")
    services.body_view_record(case=case, agency=council, by=officer, view="not_met", reasons="Two.")
    first = services.threshold_decide(case=case, by=officer)
    admin = users["hertsmere.admin"]
    case = case_services.case_transition(
        case=case, name="reopen_after_appeal", by=admin, reason="Appeal upheld: refer back."
    )
    case = case_services.case_transition(case=case, name="reconsider_threshold", by=officer)
    assert selectors.current_views(case) == []  # a fresh round of views
    services.body_view_record(
        case=case, agency=council, by=officer, view="met", reasons="On appeal."
    )
    second = services.threshold_decide(
        case=case, by=officer, discretionary={"persistence": "Ongoing since 2025."}
    )
    assert (first.round, second.round) == (1, 2)
    assert selectors.latest_decision(case) == second
    assert ThresholdDecision.objects.filter(case=case).count() == 2


def test_merton_decides_only_at_the_meeting_and_only_once(reference, users):
    area = reference["areas"]["merton"]
    officer = users["merton.officer"]
    case = gathering(area, officer)
    with pytest.raises(ValidationError, match="arrange the meeting first"):
        services.threshold_decide(case=case, by=officer)
    case = case_services.case_transition(case=case, name="arrange_panel_for_decision", by=officer)
    for slug in ("safer-merton", "merton-police"):
        case_services.case_involve_agency(case=case, agency=agency(slug), by=officer)
        services.body_view_record(
            case=case, agency=agency(slug), by=officer, view="met", reasons="Yes."
        )
    services.threshold_decide(case=case, by=officer)
    with pytest.raises(ValidationError, match="You already recorded the decision at"):
        services.threshold_decide(case=case, by=officer)


def test_the_cr3_letter_reads_the_engine_reasons(area, officer):
    from letters import services as letter_services
    from tests.letters.test_letters import pdf_text

    case = gathering(area, officer, n_incidents=2)
    services.body_view_record(
        case=case,
        agency=agency("hertsmere-borough-council"),
        by=officer,
        view="not_met",
        reasons="Only two complaints.",
    )
    services.threshold_decide(case=case, by=officer)
    text = " ".join(pdf_text(letter_services.letter_render(case=case, kind="CR3")[0]).split())
    # The letter gives the engine's result in the reader's words (thresholds/letter_explain):
    # the rule, the window's dates, the reports counted by date, and what was missing.
    assert "the problem must be reported three times in the 6 months before you apply" in text
    assert "We counted two reports." in text
    assert "We needed three reports that count. We found two." in text
    assert "#" not in text.split("Why")[1].split("What you can do")[0]
