"""For each seed procedure: a decision, an appeal, its stages, and the outcome; a referral
back that reopens the case; and an appeal made out of time that is refused."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from appeals.constants import AppealAgainst, AppealOutcome, AppealStatus, RecommendationKind
from appeals.services import (
    RecommendationInput,
    appeal_decide,
    appeal_lodge,
    appeal_reopen_case,
    appeal_stage_complete,
    recommendation_respond,
)
from cases.constants import CaseState, Channel, EventKind
from tests.appeals.factories import (
    OFFICERS,
    independent_reviewer,
    outcome_sent_case,
    threshold_not_met_case,
)

pytestmark = [pytest.mark.django_db, pytest.mark.e2e]

# area, how the decision is reached, the reviewer (None: make an independent one)
SEEDS = {
    "staffordshire": ("staffordshire", threshold_not_met_case, "staffordshire.reviewer"),
    # Hertsmere: the Community Safety Manager of another partnership (Watford) is
    # independent of every Hertsmere body, so the appeal is routed to her at once.
    "hertsmere": ("hertsmere", threshold_not_met_case, "hertsmere.reviewer"),
    "devon-and-cornwall": ("devon-and-cornwall", threshold_not_met_case, "devon.reviewer"),
    # Bedfordshire: a Luton case goes to the CSP manager of Central Bedfordshire.
    "bedfordshire": ("luton", threshold_not_met_case, "centralbeds.admin"),
    # Merton: escalation after the outcome of the review.
    "merton": ("merton", outcome_sent_case, "merton.reviewer"),
}
STAGES = {
    "staffordshire": ["decision"],
    "hertsmere": ["heard", "outcome"],
    "devon-and-cornwall": ["appoint", "documents", "report", "decision"],
    "bedfordshire": ["decision"],
    "merton": ["response"],
}


def _reviewer(reference, area_slug, username):
    if username:
        return reference["users"][username]
    return independent_reviewer(
        reference["areas"][area_slug], agency_slug="hertfordshire-fire", username="indy"
    )


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_decision_appeal_referral_back_reopens_the_case(reference, seed):
    area_slug, decide, reviewer_name = SEEDS[seed]
    officer = reference["users"][OFFICERS[area_slug]]
    reviewer = _reviewer(reference, area_slug, reviewer_name)
    case = decide(reference, area_slug)
    section = case.procedure_version.section("appeal")
    grounds = [g["key"] for g in section["grounds"]][:2]

    lodged_on = timezone.localdate() + dt.timedelta(days=7)
    with time_machine.travel(timezone.now() + dt.timedelta(days=7)):
        appeal = appeal_lodge(
            case=case,
            by=officer,
            grounds=grounds,
            applicant_words="The problem has gone on for a year and it was not all looked at.",
            lodged_on=lodged_on,
            channel=Channel.PHONE,
        )
    assert appeal.in_time
    assert appeal.against == (
        AppealAgainst.REVIEW_OUTCOME if seed == "merton" else AppealAgainst.THRESHOLD_NOT_MET
    )
    if appeal.reviewer is None:  # Hertsmere: the officer names the independent reviewer
        from appeals.services import appeal_assign_reviewer

        appeal_assign_reviewer(appeal=appeal, reviewer=reviewer, by=officer)
        appeal.refresh_from_db()
    assert appeal.reviewer == reviewer
    assert appeal.status == AppealStatus.UNDER_REVIEW
    assert [s.key for s in appeal.stages.order_by("order")] == STAGES[seed]
    assert case.letters.filter(kind="CR3a").exists()
    # The live stage is a deadline on the reviewer (deadlines app).
    first = appeal.stages.order_by("order").first()
    assert case.deadlines.filter(step=f"appeal_{first.key}", due=first.due_on).exists()

    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        for stage in appeal.stages.order_by("order")[: len(STAGES[seed]) - 1]:
            appeal_stage_complete(stage=stage, by=reviewer)
        body = case.area.administering_agency
        appeal_decide(
            appeal=appeal,
            by=reviewer,
            outcome=AppealOutcome.REFER_BACK,
            summary="The review did not weigh the housing provider's reports.",
            recommendations=[
                RecommendationInput(
                    RecommendationKind.CONSIDER_INFORMATION, "Consider the diary sheets.", body
                )
            ],
        )
        appeal.refresh_from_db()
        case.refresh_from_db()
        if not appeal.case_reopened:
            appeal_reopen_case(appeal=appeal, by=officer)
            case.refresh_from_db()
    assert case.state == CaseState.REOPENED
    assert appeal.status == AppealStatus.DECIDED
    assert all(s.completed_on for s in appeal.stages.all())
    reopened = case.timeline.get(kind=EventKind.TRANSITION, to_state=CaseState.REOPENED)
    assert reopened.detail["recommendations"][0]["text"] == "Consider the diary sheets."
    assert (appeal.follow_up_due_on is not None) == (seed == "devon-and-cornwall")
    if seed == "devon-and-cornwall":  # 4.2: the 3-month update is a deadline on the lead body
        assert case.deadlines.filter(step="escalation_update").exists()

    rec = appeal.recommendations.get()
    recommendation_respond(recommendation=rec, by=officer, response="Accepted: diary sheets added.")
    rec.refresh_from_db()
    assert rec.responded_on is not None


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_decision_then_an_appeal_out_of_time_is_refused(reference, seed):
    area_slug, decide, _reviewer_name = SEEDS[seed]
    case = decide(reference, area_slug)
    window = case.procedure_version.section("appeal")["window"]
    too_late = {"days": 1, "weeks": 7}[window["unit"]] * window["amount"] + 5
    with time_machine.travel(timezone.now() + dt.timedelta(days=too_late)):
        appeal = appeal_lodge(
            case=case,
            by=None,  # the applicant, on the tracking page
            grounds=[case.procedure_version.section("appeal")["grounds"][0]["key"]],
            applicant_words="I was away when the letter came.",
            lodged_on=timezone.localdate(),
            channel=Channel.ONLINE,
        )
    assert appeal.status == AppealStatus.REFUSED_OUT_OF_TIME
    assert str(window["amount"]) in appeal.refusal_reason
    assert case.timeline.filter(
        kind=EventKind.APPEAL, reason=appeal.refusal_reason, visible_to_applicant=True
    ).exists()
    case.refresh_from_db()
    assert case.state in (CaseState.THRESHOLD_NOT_MET, CaseState.OUTCOME_SENT)
    assert appeal.reviewer is None and not appeal.stages.exists()
