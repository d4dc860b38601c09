import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from appeals.constants import AppealAgainst, AppealOutcome, AppealStatus, RecommendationKind
from appeals.services import (
    AppealError,
    RecommendationInput,
    appeal_assign_reviewer,
    appeal_decide,
    appeal_lodge,
    appeal_notify_delays,
    appeal_reopen_case,
    appeal_stage_complete,
    recommendation_respond,
)
from cases.constants import CaseState, Channel, EventKind
from cases.models import CaseAccessGrant
from tests.appeals.factories import independent_reviewer, threshold_not_met_case

pytestmark = pytest.mark.django_db


def lodge(case, by, **kw):
    grounds = [case.procedure_version.section("appeal")["grounds"][0]["key"]]
    values = {
        "case": case,
        "by": by,
        "grounds": grounds,
        "applicant_words": "The incidents have carried on and nobody has listened.",
        "lodged_on": timezone.localdate(),
        "channel": Channel.PHONE,
    }
    values.update(kw)
    return appeal_lodge(**values)


def test_lodge_in_time_routes_to_an_independent_reviewer_with_staged_deadlines(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge(case, users["devon.officer"])
    assert appeal.status == AppealStatus.UNDER_REVIEW
    assert appeal.against == AppealAgainst.THRESHOLD_NOT_MET
    assert appeal.in_time
    assert appeal.reviewer == users["devon.reviewer"]
    assert CaseAccessGrant.objects.filter(case=case, user=users["devon.reviewer"]).exists()
    stages = list(appeal.stages.order_by("order"))
    assert [s.key for s in stages] == ["appoint", "documents", "report", "decision"]
    # 5 + 10 + 15 + 10 working days = 35 working days
    from appeals.dates import add_period

    assert stages[0].due_on == add_period(
        appeal.lodged_on, amount=5, unit="working_days", area=case.area
    )
    assert stages[-1].due_on == add_period(
        appeal.lodged_on, amount=35, unit="working_days", area=case.area
    )
    assert case.timeline.filter(kind=EventKind.APPEAL, visible_to_applicant=True).exists()


def test_out_of_time_is_recorded_and_refused_with_the_reason(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "hertsmere")
    with time_machine.travel(timezone.now() + dt.timedelta(days=40)):
        appeal = lodge(case, None, channel=Channel.ONLINE)
    assert appeal.status == AppealStatus.REFUSED_OUT_OF_TIME
    assert not appeal.in_time
    assert "28 days" in appeal.refusal_reason and "threshold was not met" in appeal.refusal_reason
    assert appeal.reviewer is None and not appeal.stages.exists()
    event = case.timeline.get(summary="Appeal received out of time and refused")
    assert event.reason == appeal.refusal_reason and event.visible_to_applicant
    assert not CaseAccessGrant.objects.filter(case=case, user=users["hertsmere.reviewer"]).exists()


def test_out_of_time_accepted_by_an_officer_with_a_reason(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "staffordshire")
    with time_machine.travel(timezone.now() + dt.timedelta(days=40)):
        appeal = lodge(
            case,
            users["staffordshire.officer"],
            accept_out_of_time_reason="The applicant was in hospital when the letter came.",
        )
    assert appeal.status == AppealStatus.UNDER_REVIEW
    assert not appeal.in_time
    assert appeal.out_of_time_accepted_by == users["staffordshire.officer"]


def test_only_an_officer_can_accept_out_of_time(reference):
    case = threshold_not_met_case(reference, "staffordshire")
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=40)),
        pytest.raises(PermissionDenied),
    ):
        lodge(case, None, accept_out_of_time_reason="Please")


def test_bad_input_is_explained(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "staffordshire")
    with pytest.raises(AppealError) as exc:
        lodge(case, users["staffordshire.officer"], grounds=["Z"], applicant_words=" ")
    assert any("not grounds" in r for r in exc.value.reasons)
    assert any("own words" in r for r in exc.value.reasons)


def test_nothing_to_appeal_before_a_decision(reference):
    from tests.factories import receive_case

    users = reference["users"]
    case = receive_case(area=reference["areas"]["staffordshire"], by=users["staffordshire.officer"])
    with pytest.raises(AppealError) as exc:
        lodge(case, users["staffordshire.officer"])
    assert "no decision" in " ".join(exc.value.reasons)


def test_second_appeal_while_one_is_open_is_refused(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "staffordshire")
    lodge(case, users["staffordshire.officer"])
    with pytest.raises(AppealError):
        lodge(case, users["staffordshire.officer"])


def test_reviewer_from_an_involved_agency_is_refused_and_explained(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "bedford")
    appeal = lodge(case, users["bedford.officer"])
    # Bedford's named reviewer (Head of Regulatory Services) works for the council that
    # administers the case, so routing leaves the appeal for an officer to assign.
    assert appeal.reviewer is None and appeal.status == AppealStatus.RECEIVED
    assert "Bedford Borough Council, which is involved in the case" in appeal.routing_note
    with pytest.raises(AppealError) as exc:
        appeal_assign_reviewer(
            appeal=appeal, reviewer=users["bedford.reviewer"], by=users["bedford.officer"]
        )
    assert "involved in the case" in exc.value.reasons[0]
    indy = independent_reviewer(
        reference["areas"]["bedford"], agency_slug="bedfordshire-opcc", username="indy"
    )
    appeal_assign_reviewer(appeal=appeal, reviewer=indy, by=users["bedford.officer"])
    appeal.refresh_from_db()
    assert appeal.reviewer == indy and appeal.status == AppealStatus.UNDER_REVIEW


def test_stage_completion_restarts_the_next_stage_clock(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge(case, users["devon.officer"])
    first, second = appeal.stages.order_by("order")[:2]
    appeal_stage_complete(stage=first, by=users["devon.reviewer"])
    second.refresh_from_db()
    from appeals.dates import add_period

    assert second.starts_on == timezone.localdate()
    assert second.due_on == add_period(
        timezone.localdate(), amount=10, unit="working_days", area=case.area
    )
    with pytest.raises(PermissionDenied):
        appeal_stage_complete(stage=second, by=users["devon.spoc"])


def test_a_slipped_stage_sends_one_delay_update_to_the_applicant(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "bedford")
    appeal = lodge(case, users["bedford.officer"])
    stage = appeal.stages.get()
    assert appeal_notify_delays(today=stage.due_on) == []
    assert appeal_notify_delays(today=stage.due_on + dt.timedelta(days=1)) == []  # no reviewer yet
    indy = independent_reviewer(case.area, agency_slug="bedfordshire-opcc", username="indy")
    appeal_assign_reviewer(appeal=appeal, reviewer=indy, by=users["bedford.officer"])
    assert appeal_notify_delays(today=stage.due_on + dt.timedelta(days=1)) == [stage.pk]
    assert appeal_notify_delays(today=stage.due_on + dt.timedelta(days=2)) == []
    event = case.timeline.filter(summary__startswith="Update on the appeal").get()
    assert event.visible_to_applicant


def test_refer_back_by_an_officer_reopens_the_case_with_recommendations(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "staffordshire")
    appeal = lodge(case, users["staffordshire.officer"])
    council = case.area.administering_agency
    appeal_decide(
        appeal=appeal,
        by=users["staffordshire.officer"],
        outcome=AppealOutcome.REFER_BACK,
        summary="The incidents met the threshold when counted properly.",
        recommendations=[
            RecommendationInput(RecommendationKind.THRESHOLD_MET, "Carry out a review.", council)
        ],
    )
    case.refresh_from_db()
    appeal.refresh_from_db()
    assert case.state == CaseState.REOPENED and appeal.case_reopened
    event = case.timeline.get(kind=EventKind.TRANSITION, to_state=CaseState.REOPENED)
    assert event.detail["recommendations"][0]["text"] == "Carry out a review."
    rec = appeal.recommendations.get()
    with pytest.raises(PermissionDenied):
        recommendation_respond(recommendation=rec, by=users["staffordshire.spoc"], response="No")
    recommendation_respond(
        recommendation=rec, by=users["staffordshire.officer"], response="Agreed."
    )
    rec.refresh_from_db()
    assert rec.response == "Agreed." and rec.responded_on


def test_reviewer_outcome_waits_for_the_lead_body_when_it_cannot_reopen(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge(case, users["devon.officer"])
    appeal_decide(
        appeal=appeal,
        by=users["devon.reviewer"],
        outcome=AppealOutcome.REFER_BACK,
        summary="Consider the housing provider's incident logs.",
        recommendations=[
            RecommendationInput(
                RecommendationKind.CONSIDER_INFORMATION,
                "Consider the logs.",
                case.area.administering_agency,
            )
        ],
    )
    appeal.refresh_from_db()
    case.refresh_from_db()
    if not appeal.case_reopened:  # the reviewer role may not run reopen_after_appeal
        assert case.state == CaseState.THRESHOLD_NOT_MET
        appeal_reopen_case(appeal=appeal, by=users["devon.officer"])
        case.refresh_from_db()
    assert case.state == CaseState.REOPENED
    # Devon & Cornwall: an update to the OPCC 3 months after the escalation
    assert appeal.follow_up_due_on is not None
    assert (appeal.follow_up_due_on - appeal.decided_on).days >= 89


def test_uphold_keeps_the_decision(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "staffordshire")
    appeal = lodge(case, users["staffordshire.officer"])
    appeal_decide(
        appeal=appeal,
        by=users["staffordshire.reviewer"],
        outcome=AppealOutcome.UPHOLD_DECISION,
        summary="The decision followed the procedure.",
    )
    case.refresh_from_db()
    appeal.refresh_from_db()
    assert case.state == CaseState.THRESHOLD_NOT_MET
    assert appeal.status == AppealStatus.DECIDED
    assert all(s.completed_on for s in appeal.stages.all())
    assert appeal.follow_up_due_on is None


def test_refer_back_needs_a_recommendation_to_an_involved_body(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "staffordshire")
    appeal = lodge(case, users["staffordshire.officer"])
    from partnerships.models import Agency

    with pytest.raises(AppealError) as exc:
        appeal_decide(
            appeal=appeal,
            by=users["staffordshire.reviewer"],
            outcome=AppealOutcome.REFER_BACK,
            summary="x",
            recommendations=[
                RecommendationInput(
                    RecommendationKind.CONSIDER_PROCESS,
                    "Look again.",
                    Agency.objects.get(slug="tamworth-council"),
                )
            ],
        )
    assert "involved in the case" in exc.value.reasons[0]
