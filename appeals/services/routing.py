"""Routing an appeal to an independent reviewer, or assigning one by hand."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from appeals.constants import (
    AppealStatus,
)
from appeals.models import (
    Appeal,
)
from appeals.selectors import (
    can_manage_appeals,
    reviewer_candidates,
    reviewing_body_for,
)
from appeals.services.common import AppealError, _appeal_lock
from cases import hooks
from cases.constants import EventKind
from cases.models import CaseAccessGrant
from cases.services import timeline_record


def _route(appeal: Appeal, *, by) -> None:
    """Assign the independent reviewer with the fewest open appeals, or explain why none."""
    case = appeal.case
    appeal.reviewing_body = reviewing_body_for(case)
    eligible, refused = reviewer_candidates(case)
    if eligible:
        _assign(appeal, eligible[0], by=by, note="Routed to an independent appeal reviewer.")
        return
    appeal.routing_note = " ".join(
        ["No independent appeal reviewer is available for this area yet."]
        + refused
        + ["An officer must assign a reviewer who does not work for an involved agency."]
    )
    appeal.save(update_fields=["reviewing_body", "routing_note", "updated_at"])
    timeline_record(
        case=case,
        kind=EventKind.APPEAL,
        summary="Appeal waiting for an independent reviewer",
        by=by,
        reason=appeal.routing_note,
        detail={"appeal": appeal.pk},
    )


def _assign(appeal: Appeal, reviewer, *, by, note: str) -> None:
    case = appeal.case
    appeal.reviewer = reviewer
    appeal.routing_note = note
    appeal.status = AppealStatus.UNDER_REVIEW
    appeal.save(
        update_fields=["reviewer", "routing_note", "reviewing_body", "status", "updated_at"]
    )
    CaseAccessGrant.objects.get_or_create(
        case=case, user=reviewer, defaults={"reason": f"Appeal reviewer (appeal {appeal.pk})"}
    )
    hooks.run_work_arrived("reviewer_appointed", appeal)
    timeline_record(
        case=case,
        kind=EventKind.APPEAL,
        summary=f"Appeal to be reviewed by {reviewer.get_full_name() or reviewer.username}",
        by=by,
        reason=note,
        detail={"appeal": appeal.pk, "reviewer": reviewer.pk, "body": appeal.reviewing_body},
        visible_to_applicant=True,
    )


def appeal_assign_reviewer(*, appeal: Appeal, reviewer, by, note: str = "") -> Appeal:
    """An officer names the reviewer; refused if they work for an agency involved in the case."""
    if not can_manage_appeals(by, appeal.case):
        raise PermissionDenied("You cannot assign reviewers in this area.")
    if not appeal.is_open:
        raise AppealError("This appeal is no longer open.")
    eligible, refused = reviewer_candidates(appeal.case, only=reviewer)
    if not eligible:
        raise AppealError("This person cannot review the appeal.", reasons=refused)
    with transaction.atomic():
        _appeal_lock(appeal, by=by, watch=("reviewer_id",))
        _assign(appeal, reviewer, by=by, note=note or "Assigned by an officer.")
    return appeal
