"""Merton: the bodies vote on the threshold at the meeting."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from asbcr.concurrency import (
    lock,
)
from cases.constants import CaseState, EventKind
from cases.models import Case
from cases.services import case_transition, timeline_record
from panels import rules
from panels.constants import (
    Vote,
)
from panels.models import (
    Listing,
    ThresholdVote,
)
from panels.services.common import (
    PanelError,
    _is_chair_or_arranger,
    _listing_conflict,
    _listing_lock,
)
from panels.services.membership import _require_quorate


def decided_at_meeting(case: Case) -> bool:
    return bool(case.procedure_version.section("decision").get("at_meeting"))


def vote_result(listing: Listing) -> bool | None:
    decision = listing.case.procedure_version.section("decision")
    return rules.vote_outcome(decision, list(listing.votes.values_list("vote", flat=True)))


def threshold_vote_cast(*, listing: Listing, by, agency, vote: str, reason: str = ""):
    """Merton: a core partner votes on the threshold; 2 of 3 decide it (decision.required/of).

    When the vote fails the case moves to ``threshold_not_met`` with the votes as reasons.
    """
    case = listing.case
    if not decided_at_meeting(case):
        raise PanelError("This procedure decides the threshold before the meeting.")
    _require_quorate(listing)
    core = listing.case.procedure_version.section("panel").get("core_agencies") or []
    if agency.slug not in core:
        raise ValidationError({"agency": f"{agency} is not one of the core partners who vote."})
    is_member = listing.members.filter(user=by, agency=agency).exists()
    if not (is_member or _is_chair_or_arranger(by, listing)):
        raise PermissionDenied
    if vote not in Vote.values:
        raise ValidationError({"vote": "Vote met or not met."})
    if vote_result(listing) is not None:
        if listing.votes.filter(agency=agency).exists():
            # This agency's vote is in (a double click, or a colleague a moment ago): say
            # who recorded it and when, as the locked check below would.
            raise _listing_conflict(listing, by, what="recorded a vote")
        raise PanelError("The vote has already decided the threshold.")
    with transaction.atomic():
        # Votes are counted one at a time, so a late vote cannot slip past a decided one.
        _listing_lock(listing, by=by)
        if vote_result(listing) is not None or listing.votes.filter(agency=agency).exists():
            raise _listing_conflict(listing, by, what="recorded a vote")
        try:
            with transaction.atomic():
                ThresholdVote.objects.create(
                    listing=listing, agency=agency, cast_by=by, vote=vote, reason=reason
                )
        except IntegrityError as exc:
            raise ValidationError({"agency": f"{agency} has already voted."}) from exc
        timeline_record(
            case=case,
            kind=EventKind.DECISION,
            summary=f"{agency} voted: {Vote(vote).label.lower()}",
            by=by,
            reason=reason,
            detail={"listing_id": listing.pk},
        )
        result = vote_result(listing)
        if result is False and _may_decide_threshold(by, case):
            _record_failed_vote(listing, by)
    return result


def _may_decide_threshold(user, case: Case) -> bool:
    return user.is_superuser or user.has_perm("thresholds.decide_threshold", case)


def _record_failed_vote(listing: Listing, by) -> None:
    reasons = "; ".join(
        f"{v.agency}: {v.get_vote_display().lower()}" + (f" ({v.reason})" if v.reason else "")
        for v in listing.votes.select_related("agency")
    )
    case_transition(
        case=listing.case,
        name="record_threshold_not_met",
        by=by,
        reason=f"The core panel's vote did not reach the majority needed. {reasons}",
        detail={"listing_id": listing.pk},
    )


def threshold_vote_conclude(*, listing: Listing, by) -> None:
    """Record a failed vote on the case (``record_threshold_not_met``) when the last vote
    was cast by a partner who does not take threshold decisions themselves."""
    if not _may_decide_threshold(by, listing.case):
        raise PermissionDenied
    if vote_result(listing) is not False:
        raise PanelError("The vote has not failed.")
    if listing.case.state == CaseState.THRESHOLD_NOT_MET:
        return
    with transaction.atomic():
        _listing_lock(listing, by=by)
        if lock(listing.case).state == CaseState.THRESHOLD_NOT_MET:
            return  # someone else recorded it a moment ago
        _record_failed_vote(listing, by)
