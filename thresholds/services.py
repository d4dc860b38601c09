"""Writes for thresholds: evaluate on a case, record views, decide, import, detect."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from asbcr.concurrency import DOUBLE_SUBMIT_WINDOW, ConflictError, conflict, lock
from cases.constants import CaseState, EventKind, InvolvementRole
from cases.models import Case, CaseAgency, TimelineEvent
from cases.services import case_transition, timeline_record
from partnerships.models import Agency
from thresholds import selectors
from thresholds.constants import DecidedBy, View

# Import and detection live in their own modules; these are their public services.
from thresholds.detection import (  # noqa: E402, F401
    detection_run,
    review_suggestions_detect,
    second_report_notice_mark_told,
    second_report_notices_detect,
    suggestion_dismiss,
)
from thresholds.engine import Decision, evaluate
from thresholds.importing import incident_import  # noqa: E402, F401
from thresholds.models import BodyView, LocationLink, ThresholdDecision, ThresholdEvaluation
from thresholds.voting import apply_decision_rule

DECIDE = "thresholds.decide_threshold"
RECORD_VIEW = "thresholds.record_view"


def _can(user, perm, case) -> bool:
    return user.is_superuser or user.has_perm(perm, case)


def case_factors(case: Case, *, discretionary=None, senior_manager=None) -> dict:
    """The engine's factors for a case: what is recorded on it plus what staff add now."""
    factors = {"asb_persists": case.asb_persists}
    if discretionary:
        factors["discretionary"] = dict(discretionary)
    if senior_manager:
        factors["senior_manager"] = dict(senior_manager)
    return factors


def threshold_preview(*, case: Case, discretionary=None, senior_manager=None) -> Decision:
    """Run the engine on the case's incidents against its pinned procedure (no writes)."""
    return evaluate(
        case.procedure_version.data["threshold"],
        selectors.case_complaints(case),
        case.received_on,
        case_factors(case, discretionary=discretionary, senior_manager=senior_manager),
    )


def _meet(met: bool) -> str:
    return "meet" if met else "do not meet"


def threshold_evaluate(*, case: Case, by) -> ThresholdEvaluation:
    """Evaluate the case's threshold and keep the explanation (shown on the case)."""
    if not (_can(by, DECIDE, case) or _can(by, RECORD_VIEW, case)):
        raise PermissionDenied("You cannot evaluate the threshold on this case.")
    decision = threshold_preview(case=case)
    explanation = decision.explanation()
    # As stored, so a repeat compares equal (tuples become lists, dates strings).
    encoder = ThresholdEvaluation._meta.get_field("explanation").encoder
    stored = json.loads(json.dumps(explanation, cls=encoder))
    with transaction.atomic():
        lock(case)  # a double click records the evaluation once
        for same in ThresholdEvaluation.objects.filter(
            case=case,
            by=by,
            procedure_version=case.procedure_version,
            met=decision.met,
            at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).order_by("-at", "-id"):
            if same.explanation == stored:
                raise conflict(
                    what="evaluated the threshold",
                    at=same.at,
                    actor=by,
                    by=by,
                    outcome=f"the recorded complaints {_meet(decision.met)} the procedure's rules",
                    kept_input=False,
                )
        evaluation = ThresholdEvaluation.objects.create(
            case=case,
            by=by,
            application_date=case.received_on,
            procedure_version=case.procedure_version,
            met=decision.met,
            explanation=explanation,
        )
        timeline_record(
            case=case,
            kind=EventKind.DECISION,
            summary=f"Threshold evaluated: the recorded complaints "
            f"{_meet(decision.met)} the procedure's rules",
            by=by,
            detail={"evaluation_id": evaluation.pk},
        )
    return evaluation


def involved_bodies(case: Case) -> list[Agency]:
    """The bodies entitled to a view: the administering body and the relevant bodies."""
    ids = set(
        CaseAgency.objects.filter(
            case=case, role__in=[InvolvementRole.ADMINISTERING, InvolvementRole.RELEVANT_BODY]
        ).values_list("agency_id", flat=True)
    )
    if case.area.administering_agency_id:
        ids.add(case.area.administering_agency_id)
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def body_view_record(*, case: Case, agency: Agency, by, view: str, reasons: str) -> BodyView:
    """A relevant body records its view (met, not met or abstain) with its reasons."""
    if not (_can(by, RECORD_VIEW, case) or _can(by, DECIDE, case)):
        raise PermissionDenied("You cannot record a view on this case.")
    if not by.is_superuser and not _can(by, DECIDE, case) and by.agency_id != agency.pk:
        raise PermissionDenied("You can only record your own agency's view.")
    errors = {}
    if view not in View.values:
        errors["view"] = "Choose met, not met or abstain."
    if not reasons.strip():
        errors["reasons"] = "Give the body's reasons."
    if agency.pk not in {a.pk for a in involved_bodies(case)}:
        errors["agency"] = "That body is not involved in this case."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock(case)  # a double click records the view once
        same = (
            BodyView.objects.filter(
                case=case,
                agency=agency,
                view=view,
                reasons=reasons.strip(),
                recorded_by=by,
                round=selectors.decision_round(case),
                at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
            )
            .order_by("-at")
            .first()
        )
        if same is not None:
            raise conflict(what=f"recorded {agency.name}'s view", at=same.at, actor=by, by=by)
        record = BodyView.objects.create(
            case=case,
            agency=agency,
            view=view,
            reasons=reasons.strip(),
            recorded_by=by,
            round=selectors.decision_round(case),
        )
        timeline_record(
            case=case,
            kind=EventKind.DECISION,
            summary=f"{agency.name}: threshold {View(view).label.lower()}",
            by=by,
            reason=reasons.strip(),
        )
    return record


def vote_outcome(case: Case):
    """The procedure's decision rule applied to the current views."""
    views = selectors.current_views(case)
    admin = case.area.administering_agency
    return apply_decision_rule(
        case.procedure_version.data.get("decision", {}),
        {v.agency.name: v.view for v in views},
        involved=[a.name for a in involved_bodies(case)],
        administering=admin.name if admin else None,
    ), views


def decision_pending(case: Case) -> bool:
    """No decision yet, or the case was sent back to reconsider it after the last one."""
    latest = selectors.latest_decision(case)
    if latest is None:
        return True
    return TimelineEvent.objects.filter(
        case=case, detail__transition="reconsider_threshold", at__gt=latest.at
    ).exists()


def threshold_decide(
    *,
    case: Case,
    by,
    discretionary: dict[str, str] | None = None,
    senior_manager: dict | None = None,
) -> ThresholdDecision:
    """Take the threshold decision: the procedure's decision rule over the bodies' views
    (or the senior-manager route), stored with the engine's explanation, then the case
    moves to threshold met / not met with the plain-English reasons."""
    if not _can(by, DECIDE, case):
        raise PermissionDenied("You cannot decide the threshold on this case.")
    with transaction.atomic():
        # A second officer deciding at the same moment waits here, then finds the decision.
        locked = lock(case)
        if not decision_pending(locked):
            raise _decided_already(locked, by)
        decision = _decide(
            case=locked, by=by, discretionary=discretionary, senior_manager=senior_manager
        )
    return decision


def _decided_already(case: Case, by) -> ConflictError:
    latest = selectors.latest_decision(case)
    return conflict(
        what="recorded the decision",
        at=latest.at,
        actor=latest.recorded_by,
        by=by,
        outcome="Threshold met" if latest.met else "Threshold not met",
    )


def _decide(*, case: Case, by, discretionary, senior_manager) -> ThresholdDecision:
    """threshold_decide's work, on the locked case, in its transaction."""
    engine = threshold_preview(
        case=case, discretionary=discretionary, senior_manager=senior_manager
    )
    problems = engine.factors["not_used"]
    if problems:
        raise ValidationError({"__all__": [p[0].upper() + p[1:] + "." for p in problems]})
    at_meeting = bool(case.procedure_version.data.get("decision", {}).get("at_meeting"))
    if at_meeting and case.state != CaseState.PANEL_ARRANGED:
        raise ValidationError(
            {
                "__all__": [
                    "This procedure decides the threshold at the panel meeting: "
                    "arrange the meeting first."
                ]
            }
        )
    outcome, views = vote_outcome(case)
    if engine.factors["senior_manager"]:
        met, decided_by = True, DecidedBy.SENIOR_MANAGER
        rule_reason = (
            "A senior manager decided a review is needed to safeguard a vulnerable victim."
        )
    else:
        if outcome.met is None:
            raise ValidationError(
                {"__all__": [f"The decision cannot be taken yet: {outcome.reason}"]}
            )
        met, decided_by, rule_reason = outcome.met, DecidedBy.RULE, outcome.reason
        rules_met = any(r.met for r in engine.routes)
        allowed = case.procedure_version.data["threshold"].get("discretionary_factors") or []
        if met and not rules_met and allowed and not engine.factors["discretionary"]:
            raise ValidationError(
                {
                    "__all__": [
                        "The recorded complaints do not meet the procedure's rules. Record the "
                        "discretionary factor or factors the bodies relied on, with a rationale."
                    ]
                }
            )
    reasons_text = f"{rule_reason} {engine.reasons_text}"
    try:
        with transaction.atomic():
            decision = _store_decision(
                case=case,
                by=by,
                met=met,
                decided_by=decided_by,
                engine=engine,
                views=views,
                reasons_text=reasons_text,
            )
    except IntegrityError as exc:  # one_decision_per_round: the lock makes this a backstop
        raise _decided_already(case, by) from exc
    detail = {"threshold_decision_id": decision.pk}
    if met and at_meeting:
        # Merton: the vote is taken at the meeting, which goes on to review the case.
        timeline_record(
            case=case,
            kind=EventKind.DECISION,
            summary="Threshold met at the panel meeting",
            by=by,
            reason=reasons_text,
            detail=detail,
        )
    else:
        case_transition(
            case=case,
            name="record_threshold_met" if met else "record_threshold_not_met",
            by=by,
            reason=reasons_text,
            detail=detail,
        )
    return decision


def _store_decision(
    *, case: Case, by, met, decided_by, engine, views, reasons_text
) -> ThresholdDecision:
    return ThresholdDecision.objects.create(
        case=case,
        round=selectors.decision_round(case),
        met=met,
        decided_by=decided_by,
        decision_rule=case.procedure_version.data.get("decision", {}),
        explanation=engine.explanation(),
        views=[
            {
                "agency": v.agency.name,
                "agency_slug": v.agency.slug,
                "view": v.view,
                "reasons": v.reasons,
                "recorded_by": v.recorded_by.get_full_name() or v.recorded_by.username,
                "at": v.at.isoformat(),
            }
            for v in views
        ],
        discretionary_factors={
            f["factor"]: f["rationale"] for f in engine.factors["discretionary"]
        },
        senior_manager=engine.factors["senior_manager"] or {},
        reasons_text=reasons_text,
        recorded_by=by,
    )


REASON_MAX = 2000


def location_link(*, case: Case, first, second, reason: str, by) -> LocationLink:
    """An officer links the locations of two incidents on the case (the same estate, a
    block and its car park), with a reason, on the timeline. Routes whose
    ``same_location`` lists ``officer`` then count them as one location."""
    if not (by.is_superuser or by.has_perm("cases.manage_case", case)):
        raise PermissionDenied("You cannot link locations on this case.")
    reason = " ".join(str(reason or "").split())
    errors = {}
    if not reason:
        errors["reason"] = "Say why these locations are linked."
    elif "\x00" in reason or len(reason) > REASON_MAX:
        errors["reason"] = f"Write the reason in {REASON_MAX:,} characters or fewer, as plain text."
    if first.case_id != case.pk or second.case_id != case.pk:
        errors["second"] = "Choose two incidents recorded on this case."
    elif first.pk == second.pk:
        errors["second"] = "Choose two different incidents."
    if errors:
        raise ValidationError(errors)
    low, high = sorted((first, second), key=lambda i: i.pk)
    with transaction.atomic():
        lock(case)  # two officers linking the same pair at once: one link, one entry
        existing = LocationLink.objects.filter(first=low, second=high).select_related("by").first()
        if existing:
            raise conflict(
                what="linked these two locations",
                at=existing.at,
                actor=existing.by,
                by=by,
                outcome="the link is already recorded",
                kept_input=False,
            )
        link = LocationLink.objects.create(case=case, first=low, second=high, reason=reason, by=by)
        timeline_record(
            case=case,
            kind=EventKind.INCIDENT,
            summary="The locations of two incidents linked",
            by=by,
            reason=reason,
            detail={"location_link_id": link.pk, "incident_ids": [low.pk, high.pk]},
        )
    return link
