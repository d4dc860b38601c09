"""The appeal's outcome: decided, recommendations answered, the case reopened, follow-up."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import has_transition_perm

from appeals import integration
from appeals.constants import (
    AppealOutcome,
    AppealStatus,
    RecommendationKind,
)
from appeals.dates import add_period
from appeals.models import (
    Appeal,
    Recommendation,
)
from appeals.selectors import (
    can_manage_appeals,
    can_review,
)
from appeals.services.common import AppealError, _appeal_conflict, _appeal_lock
from appeals.services.lodging import _amount_unit, _letter
from asbcr.concurrency import lock
from cases.constants import EventKind
from cases.services import case_transition, timeline_record


@dataclass
class RecommendationInput:
    kind: str
    text: str
    body: object  # partnerships.Agency


def appeal_decide(
    *,
    appeal: Appeal,
    by,
    outcome: str,
    summary: str,
    recommendations: list[RecommendationInput] | None = None,
    decided_on: dt.date | None = None,
) -> Appeal:
    """Record the outcome: uphold the decision, or refer back with recommendations.

    A referral back reopens the case (``reopen_after_appeal``) with the recommendations
    attached; they are not binding and each body records its response (Devon & Cornwall
    section 2.3). Devon & Cornwall asks the lead body for an update 3 months later.
    """
    recommendations = recommendations or []
    case = appeal.case
    if not (can_review(by, appeal) or can_manage_appeals(by, case)):
        raise PermissionDenied("Only the appeal's reviewer or an officer can record the outcome.")
    if appeal.status == AppealStatus.DECIDED:
        raise _appeal_conflict(appeal, by)
    reasons = []
    if appeal.status != AppealStatus.UNDER_REVIEW:
        reasons.append("The appeal is not under review.")
    if outcome not in AppealOutcome.values:
        reasons.append("Choose the outcome.")
    if not summary.strip():
        reasons.append("Give the findings and the reasons for the outcome.")
    if outcome == AppealOutcome.REFER_BACK and not recommendations:
        reasons.append("A referral back needs at least one recommendation.")
    involved = set(case.involvements.values_list("agency_id", flat=True))
    for i, rec in enumerate(recommendations, start=1):
        if rec.kind not in RecommendationKind.values:
            reasons.append(f"Recommendation {i}: choose what it asks for.")
        if not rec.text.strip():
            reasons.append(f"Recommendation {i}: write the recommendation.")
        if getattr(rec.body, "pk", None) not in involved:
            reasons.append(f"Recommendation {i}: address it to a body involved in the case.")
    if reasons:
        raise AppealError("The outcome cannot be recorded.", reasons=reasons)
    decided_on = decided_on or timezone.localdate()
    section = case.procedure_version.section("appeal")
    with transaction.atomic():
        _appeal_lock(appeal, by=by)  # a second outcome at the same moment is refused
        appeal.outcome = outcome
        appeal.outcome_summary = summary.strip()
        appeal.decided_on = decided_on
        appeal.decided_by = by
        appeal.status = AppealStatus.DECIDED
        if follow_up := section.get("follow_up"):
            appeal.follow_up_due_on = add_period(
                decided_on, area=case.area, **_amount_unit(follow_up)
            )
        appeal.save()
        for stage in appeal.stages.filter(completed_on__isnull=True).order_by("order"):
            stage.completed_on = decided_on
            stage.completed_by = by
            stage.save(update_fields=["completed_on", "completed_by", "updated_at"])
            integration.subject_deadlines_meet(subject=stage, on=decided_on, by=by)
        created = [
            Recommendation.objects.create(
                appeal=appeal, kind=r.kind, text=r.text.strip(), body=r.body
            )
            for r in recommendations
        ]
        timeline_record(
            case=case,
            kind=EventKind.APPEAL,
            summary=f"Appeal outcome: {appeal.get_outcome_display()}",
            by=by,
            reason=appeal.outcome_summary,
            detail={
                "appeal": appeal.pk,
                "outcome": outcome,
                "recommendations": [
                    {"kind": r.kind, "body": r.body.name, "text": r.text} for r in created
                ],
            },
            visible_to_applicant=True,
        )
        # Deadlines starts the procedure's follow-up timescale (Devon & Cornwall 4.2) on this.
        integration.record_deadline_event(case=case, event="appeal_decided", on=decided_on, by=by)
        _letter(
            appeal,
            "appeal_outcome",
            by=by,
            extra_context={
                "appeal_upheld": outcome == AppealOutcome.REFER_BACK,
                "appeal_reasons": appeal.outcome_summary,
                "recommendations": created,
            },
        )
        if outcome == AppealOutcome.REFER_BACK and has_transition_perm(
            case.reopen_after_appeal, by
        ):
            _reopen(appeal, by=by)
    return appeal


def _reopen(appeal: Appeal, *, by) -> None:
    recs = list(appeal.recommendations.select_related("body"))
    case_transition(
        case=appeal.case,
        name="reopen_after_appeal",
        by=by,
        reason=f"Appeal referred back: {appeal.outcome_summary}",
        detail={
            "appeal": appeal.pk,
            "recommendations": [
                {"kind": r.kind, "body": r.body.name, "text": r.text} for r in recs
            ],
        },
    )
    appeal.case_reopened = True
    appeal.save(update_fields=["case_reopened", "updated_at"])


def appeal_reopen_case(*, appeal: Appeal, by) -> Appeal:
    """The lead body reopens the case an appeal referred back (when the reviewer could not)."""
    if appeal.case_reopened:
        raise _appeal_conflict(appeal, by, what="reopened the case")
    if appeal.outcome != AppealOutcome.REFER_BACK:
        raise AppealError("This appeal did not leave a case waiting to be reopened.")
    if not can_manage_appeals(by, appeal.case):
        raise PermissionDenied("Only an officer of the lead body can reopen the case.")
    with transaction.atomic():
        _appeal_lock(appeal, by=by, watch=("case_reopened",))
        _reopen(appeal, by=by)
    return appeal


def recommendation_respond(*, recommendation: Recommendation, by, response: str) -> Recommendation:
    """The body a recommendation was made to records its response (not bound to accept)."""
    case = recommendation.appeal.case
    if by.agency_id != recommendation.body_id and not can_manage_appeals(by, case):
        raise PermissionDenied("Only the body the recommendation was made to can respond.")
    if not response.strip():
        raise AppealError("Write the body's response.")
    with transaction.atomic():
        locked = lock(recommendation)
        if locked.response != recommendation.response:
            raise _appeal_conflict(
                recommendation.appeal, by, what="recorded a response to this recommendation"
            )
        recommendation.response = response.strip()
        recommendation.responded_on = timezone.localdate()
        recommendation.responded_by = by
        recommendation.save()
        timeline_record(
            case=case,
            kind=EventKind.APPEAL,
            summary=f"{recommendation.body.name} responded to an appeal recommendation",
            by=by,
            reason=recommendation.response,
            detail={"appeal": recommendation.appeal_id, "recommendation": recommendation.pk},
        )
    return recommendation


def appeal_follow_up_record(*, appeal: Appeal, by, received_on: dt.date, note: str) -> Appeal:
    """Devon & Cornwall: the lead body's update to the OPCC 3 months after the escalation."""
    if not (can_manage_appeals(by, appeal.case) or can_review(by, appeal)):
        raise PermissionDenied("You cannot record the follow-up on this appeal.")
    if appeal.follow_up_due_on is None:
        raise AppealError("This procedure does not ask for a follow-up update.")
    if not note.strip():
        raise AppealError("Summarise the update on the case.")
    with transaction.atomic():
        _appeal_lock(appeal, by=by, watch=("follow_up_received_on",))
        appeal.follow_up_received_on = received_on
        appeal.save(update_fields=["follow_up_received_on", "updated_at"])
        integration.record_deadline_event(
            case=appeal.case, event="escalation_update_sent", on=received_on, by=by
        )
        timeline_record(
            case=appeal.case,
            kind=EventKind.APPEAL,
            summary="Follow-up update on the appeal's recommendations",
            by=by,
            reason=note.strip(),
            detail={"appeal": appeal.pk, "due_on": str(appeal.follow_up_due_on)},
        )
    return appeal
