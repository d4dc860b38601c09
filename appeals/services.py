"""Writes for appeals (escalations). Views, forms, tasks and the tracking page call these."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import has_transition_perm

from appeals import integration
from appeals.constants import (
    AppealAgainst,
    AppealOutcome,
    AppealStatus,
    AuditAnswer,
    RecommendationKind,
)
from appeals.dates import add_period
from appeals.models import (
    Appeal,
    AppealStage,
    ComplianceAnswer,
    EvidenceNote,
    Recommendation,
)
from appeals.selectors import (
    appealable_decision,
    can_manage_appeals,
    can_review,
    reviewer_candidates,
)
from asbcr.concurrency import GENERIC_MESSAGE, ConflictError, conflict_message, lock, refresh_from
from cases import hooks
from cases.constants import Channel, EventKind
from cases.models import Case, CaseAccessGrant, TimelineEvent
from cases.services import CaseWorkflowError, case_transition, timeline_record

UNIT_WORDS = {"days": "days", "weeks": "weeks", "months": "months", "working_days": "working days"}


class AppealError(CaseWorkflowError):
    """An appeal step that cannot happen, with reasons fit to show the user."""


class AppealConflict(AppealError, ConflictError):
    """Someone else changed the appeal first (shown wherever an AppealError is)."""


def _appeal_conflict(appeal: Appeal, by, *, what: str = "", summary: str = ""):
    """Who changed the appeal last, when, and how, from the case timeline. A decided
    appeal is told by its outcome, not by what followed it (letters, deadlines)."""
    if appeal.status == AppealStatus.DECIDED and not what:
        what, summary = "recorded the outcome", summary or "Appeal outcome:"
    events = TimelineEvent.objects.filter(case_id=appeal.case_id, detail__appeal=appeal.pk)
    if summary:
        events = events.filter(summary__startswith=summary)
    what = what or "updated this appeal"
    event = events.select_related("actor").order_by("-at", "-id").first()
    if event is None:
        return AppealConflict(GENERIC_MESSAGE)
    return AppealConflict(
        conflict_message(what=what, at=event.at, actor=event.actor, by=by, outcome=event.summary)
    )


def _appeal_lock(appeal: Appeal, *, by, watch: tuple[str, ...] = ()) -> Appeal:
    """Lock the appeal's row; refuse if its status (or a watched field) changed since the
    caller loaded it. The caller's object is brought up to date either way."""
    locked = lock(appeal)
    changed = any(getattr(locked, f) != getattr(appeal, f) for f in ("status", *watch))
    refresh_from(appeal, locked)
    if changed:
        raise _appeal_conflict(locked, by)
    return locked


def _period_words(period: dict) -> str:
    return f"{period['amount']} {UNIT_WORDS.get(period['unit'], period['unit'])}"


# -- lodging ------------------------------------------------------------------------


def appeal_lodge(
    *,
    case: Case,
    by,
    grounds: list[str],
    applicant_words: str,
    lodged_on: dt.date,
    channel: str,
    accept_out_of_time_reason: str = "",
) -> Appeal:
    """Record an appeal against a threshold-not-met decision or a review outcome.

    In time when lodged within the procedure's window from the decision or outcome
    (Staffordshire, Hertsmere, Bedfordshire, Merton 28 days; Devon & Cornwall 4 weeks).
    Out of time it is recorded and refused with the reason, unless an officer accepts
    it with a recorded reason. ``by`` is None when the applicant appeals online.
    """
    section = case.procedure_version.section("appeal")
    reasons = []
    if not section:
        raise AppealError("This procedure has no appeal route.")
    known = {g["key"] for g in section.get("grounds", [])}
    if not grounds:
        reasons.append("Choose at least one ground for the appeal.")
    unknown = [g for g in grounds if g not in known]
    if unknown:
        reasons.append(f"These are not grounds in this procedure: {', '.join(unknown)}.")
    if not applicant_words.strip():
        reasons.append("Record why the applicant is appealing, in their own words.")
    if lodged_on > timezone.localdate():
        reasons.append("The date the appeal was made cannot be in the future.")
    if channel not in Channel.values:
        reasons.append("Say how the appeal was made.")
    decision = appealable_decision(case)
    if decision is None:
        reasons.append(
            "There is no decision that the threshold was not met, and no review outcome, "
            "to appeal against."
        )
    elif lodged_on < decision.on:
        reasons.append("The appeal cannot have been made before the decision it challenges.")
    if case.appeals.filter(status__in=[AppealStatus.RECEIVED, AppealStatus.UNDER_REVIEW]).exists():
        reasons.append("An appeal on this case is already under way.")
    accepting = bool(accept_out_of_time_reason.strip())
    if accepting and (by is None or not can_manage_appeals(by, case)):
        raise PermissionDenied("Only an officer can accept an appeal made out of time.")
    if reasons:
        raise AppealError("The appeal cannot be recorded.", reasons=reasons)

    window = section["window"]
    window_ends_on = add_period(decision.on, area=case.area, **_amount_unit(window))
    in_time = lodged_on <= window_ends_on
    with transaction.atomic():
        lock(case)  # two people lodging at once: the second finds the first appeal
        under_way = (
            case.appeals.filter(status__in=[AppealStatus.RECEIVED, AppealStatus.UNDER_REVIEW])
            .order_by("-id")
            .first()
        )
        if under_way is not None:
            raise _appeal_conflict(under_way, by, what="recorded an appeal on this case")
        appeal = Appeal.objects.create(
            case=case,
            against=decision.against,
            decision_on=decision.on,
            window_ends_on=window_ends_on,
            lodged_on=lodged_on,
            channel=channel,
            grounds=list(grounds),
            applicant_words=applicant_words.strip(),
            in_time=in_time,
            status=AppealStatus.RECEIVED,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        if not in_time and not accepting:
            appeal.status = AppealStatus.REFUSED_OUT_OF_TIME
            appeal.refusal_reason = (
                f"The appeal was made on {lodged_on:%-d %B %Y}, after the time allowed: "
                f"{_period_words(window)} from the {decision.label} on "
                f"{decision.on:%-d %B %Y}, which ended on {window_ends_on:%-d %B %Y}."
            )
            appeal.save(update_fields=["status", "refusal_reason", "updated_at"])
            timeline_record(
                case=case,
                kind=EventKind.APPEAL,
                summary="Appeal received out of time and refused",
                by=by,
                reason=appeal.refusal_reason,
                detail={"appeal": appeal.pk, "grounds": appeal.grounds},
                visible_to_applicant=True,
            )
            return appeal
        if not in_time:
            appeal.out_of_time_accepted_reason = accept_out_of_time_reason.strip()
            appeal.out_of_time_accepted_by = by
            appeal.save(
                update_fields=[
                    "out_of_time_accepted_reason",
                    "out_of_time_accepted_by",
                    "updated_at",
                ]
            )
        timeline_record(
            case=case,
            kind=EventKind.APPEAL,
            summary="Appeal received"
            + ("" if in_time else " out of time, and accepted by an officer"),
            by=by,
            reason=appeal.out_of_time_accepted_reason,
            detail={"appeal": appeal.pk, "grounds": appeal.grounds, "channel": channel},
            visible_to_applicant=True,
        )
        _stages_create(appeal, section.get("stages", []))
        _route(appeal, by=by)
        integration.record_deadline_event(case=case, event="appeal_lodged", on=lodged_on, by=by)
        for stage in appeal.stages.filter(starts_on__isnull=False).order_by("order"):
            integration.stage_deadline_start(stage=stage, by=by)
        # Hertsmere s.9: the appeal is confirmed in writing (CR3a) with who will review it.
        _letter(appeal, "CR3a", by=by, extra_context=_cr3a_context(appeal))
        hooks.run_work_arrived("appeal_lodged", appeal)
    return appeal


def _amount_unit(period: dict) -> dict:
    return {"amount": period["amount"], "unit": period["unit"]}


def _stages_create(appeal: Appeal, stages: list[dict]) -> None:
    """Each stage runs from the end of the one before, or from receipt (``from: received``).

    Devon & Cornwall: appoint within 5 and documents within 10 working days of receipt,
    then the report in 15 and the PCC's decision in 10: 35 working days in all.
    """
    previous_due = appeal.lodged_on
    area = appeal.case.area
    for order, stage in enumerate(stages, start=1):
        runs_from = stage.get("from", "previous")
        starts_on = appeal.lodged_on if runs_from == "received" else previous_due
        due_on = add_period(starts_on, area=area, **_amount_unit(stage))
        AppealStage.objects.create(
            appeal=appeal,
            order=order,
            key=stage["key"],
            rule=stage["rule"],
            amount=stage["amount"],
            unit=stage["unit"],
            runs_from=runs_from,
            starts_on=starts_on if order == 1 or runs_from == "received" else None,
            due_on=due_on,
        )
        previous_due = due_on


def _cr3a_context(appeal: Appeal) -> dict:
    stages = list(appeal.stages.order_by("order"))
    return {
        "appeal": {
            "reviewer": str(appeal.reviewer) if appeal.reviewer else appeal.reviewing_body,
            "stages": [
                {"rule": s.rule, "period": _period_words({"amount": s.amount, "unit": s.unit})}
                for s in stages
            ],
        },
        "appeal_received_on": appeal.lodged_on,
        "appeal_by": stages[-1].due_on if stages else None,
    }


LETTER_NAMES = {
    "CR3a": "CR3a (appeal received)",
    "appeal_outcome": "appeal outcome",
    "delay": "delay",
}


def _letter(appeal: Appeal, kind: str, *, by, extra_context: dict) -> bool:
    """Send the letter now, or leave a note for an officer to send it."""
    sent = integration.send_letter(case=appeal.case, kind=kind, by=by, extra_context=extra_context)
    if not sent:
        timeline_record(
            case=appeal.case,
            kind=EventKind.NOTE,
            summary=f"The {LETTER_NAMES.get(kind, kind)} letter is for an officer to send",
            by=by,
            detail={"appeal": appeal.pk, "letter_to_send": kind},
        )
    return sent


# -- routing ------------------------------------------------------------------------


def reviewing_body_for(case: Case) -> str:
    """The procedure's reviewer for the case's area (Bedfordshire names one per area)."""
    reviewer = case.procedure_version.section("appeal").get("reviewer", {})
    return reviewer.get("areas", {}).get(case.area.slug) or reviewer.get("default", "")


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


# -- stages and delays --------------------------------------------------------------


def appeal_stage_complete(
    *, stage: AppealStage, by, completed_on: dt.date | None = None
) -> AppealStage:
    """Mark a stage done; the next stage's clock starts from that day."""
    appeal = stage.appeal
    if not (can_review(by, appeal) or can_manage_appeals(by, appeal.case)):
        raise PermissionDenied("Only the reviewer or an officer can update this appeal.")
    if stage.completed_on:
        raise _appeal_conflict(
            appeal, by, what="marked this stage done", summary="Appeal stage done"
        )
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise AppealError("A stage cannot be completed in the future.")
    with transaction.atomic():
        locked = lock(stage)
        if locked.completed_on:  # someone marked it done a moment ago
            raise _appeal_conflict(
                appeal, by, what="marked this stage done", summary="Appeal stage done"
            )
        stage.completed_on = completed_on
        stage.completed_by = by
        stage.save(update_fields=["completed_on", "completed_by", "updated_at"])
        following = appeal.stages.filter(order=stage.order + 1, runs_from="previous").first()
        if following:
            following.starts_on = completed_on
            following.due_on = add_period(
                completed_on, amount=following.amount, unit=following.unit, area=appeal.case.area
            )
            following.save(update_fields=["starts_on", "due_on", "updated_at"])
        integration.subject_deadlines_meet(subject=stage, on=completed_on, by=by)
        if following:
            integration.stage_deadline_start(stage=following, by=by)
        late = stage.due_on and completed_on > stage.due_on
        timeline_record(
            case=appeal.case,
            kind=EventKind.APPEAL,
            summary=f"Appeal stage done{' (late)' if late else ''}: {stage.rule}",
            by=by,
            detail={"appeal": appeal.pk, "stage": stage.key, "due_on": str(stage.due_on)},
            visible_to_applicant=True,
        )
    return stage


def appeal_stage_record_delay(*, stage: AppealStage, by, reason: str) -> AppealStage:
    """Tell the applicant a stage will be or is late, and why (Devon & Cornwall: regular updates)."""
    appeal = stage.appeal
    if by is not None and not (can_review(by, appeal) or can_manage_appeals(by, appeal.case)):
        raise PermissionDenied("Only the reviewer or an officer can update this appeal.")
    if not reason.strip():
        raise AppealError("Give the reason for the delay.")
    with transaction.atomic():
        locked = lock(stage)
        if (locked.delay_notified_on, locked.delay_reason) != (
            stage.delay_notified_on,
            stage.delay_reason,
        ) or locked.completed_on:
            # Recorded by someone else since this page loaded: one letter, not two.
            raise _appeal_conflict(appeal, by, what="updated this stage")
        stage.delay_reason = reason.strip()
        stage.delay_notified_on = timezone.localdate()
        stage.save(update_fields=["delay_reason", "delay_notified_on", "updated_at"])
        timeline_record(
            case=appeal.case,
            kind=EventKind.APPEAL,
            summary=f"Update on the appeal: ‘{stage.rule}’ is delayed",
            by=by,
            reason=stage.delay_reason,
            detail={"appeal": appeal.pk, "stage": stage.key, "due_on": str(stage.due_on)},
            visible_to_applicant=True,
        )
        _letter(
            appeal,
            "delay",
            by=by,
            extra_context={
                "timescale_words": f"Your appeal: {stage.rule}",
                "timescale_within": _period_words({"amount": stage.amount, "unit": stage.unit}),
                "delay_reason": stage.delay_reason,
                "new_date": None,
            },
        )
    return stage


AUTOMATIC_DELAY_REASON = (
    "This stage of your appeal has taken longer than the procedure allows. The reviewer "
    "has been reminded and we will write again when it is done."
)


def appeal_notify_delays(*, today: dt.date | None = None) -> list[int]:
    """Every open appeal stage past its due date gets one update to the applicant."""
    today = today or timezone.localdate()
    notified = []
    stages = AppealStage.objects.select_related("appeal__case__area").filter(
        appeal__status=AppealStatus.UNDER_REVIEW,
        completed_on__isnull=True,
        due_on__lt=today,
        delay_notified_on__isnull=True,
    )
    for stage in stages:
        with transaction.atomic():
            locked = AppealStage.objects.select_for_update().get(pk=stage.pk)
            if locked.delay_notified_on or locked.completed_on:
                continue
            appeal_stage_record_delay(stage=locked, by=None, reason=AUTOMATIC_DELAY_REASON)
            notified.append(locked.pk)
    return notified


# -- evidence and audit -------------------------------------------------------------


EVIDENCE_NOTED = "Reason recorded for missing appeal evidence"
AUDIT_SAVED = "Compliance audit saved"


def _appeal_events(appeal: Appeal, summary: str):
    return TimelineEvent.objects.filter(
        case_id=appeal.case_id, detail__appeal=appeal.pk, summary=summary
    )


def evidence_notes_version(appeal: Appeal) -> int:
    """How many evidence notes the appeal has had: the note form's version."""
    return _appeal_events(appeal, EVIDENCE_NOTED).count()


def compliance_version(appeal: Appeal) -> int:
    """How many times the compliance audit has been saved: the audit form's version."""
    return _appeal_events(appeal, AUDIT_SAVED).count()


def _version_conflict(*, last, version, count, by, what, outcome="") -> None:
    """Refuse a stale page: ``last`` is the newest change since ``version`` that it would
    overwrite (None when there is none)."""
    if version is not None and count != version and last is not None:
        error = AppealConflict(
            conflict_message(what=what, at=last.at, actor=last.actor, by=by, outcome=outcome)
        )
        error.version = count  # a knowing save, after reading the message, then works
        raise error


def appeal_evidence_note(
    *, appeal: Appeal, by, item: str, reason: str, version: int | None = None
) -> EvidenceNote:
    """The officer records why an Appendix A item is not available.

    ``version`` is ``evidence_notes_version`` as the page showed it: a note on the same
    item recorded since then is not overwritten; the caller is told who wrote it and when.
    """
    from appeals.bundle import ITEM_KEYS, ITEMS

    if not can_manage_appeals(by, appeal.case):
        raise PermissionDenied("Only an officer of the lead body can explain missing evidence.")
    if item not in ITEM_KEYS:
        raise AppealError("That is not an item on the evidence checklist.")
    if not reason.strip():
        raise AppealError("Give the reason the item is not available.")
    with transaction.atomic():
        lock(appeal)
        if version is not None:
            notes = list(
                _appeal_events(appeal, EVIDENCE_NOTED).select_related("actor").order_by("id")
            )
            since = [e for e in notes[version:] if e.detail.get("item") == item]
            _version_conflict(
                last=since[-1] if since else None,
                version=version,
                count=len(notes),
                by=by,
                what="recorded why this item is not available",
                outcome=dict(ITEMS).get(item, item),
            )
        note, _ = EvidenceNote.objects.update_or_create(
            appeal=appeal, item=item, defaults={"missing_reason": reason.strip(), "created_by": by}
        )
        timeline_record(
            case=appeal.case,
            kind=EventKind.APPEAL,
            summary=EVIDENCE_NOTED,
            by=by,
            reason=note.missing_reason,
            detail={"appeal": appeal.pk, "item": item},
        )
    return note


def appeal_compliance_record(
    *, appeal: Appeal, by, answers: dict[str, tuple[str, str]], version: int | None = None
) -> None:
    """The reviewer completes the Appendix B compliance audit.

    ``version`` is ``compliance_version`` as the page showed it: answers saved since then
    (another tab, a double click) are not overwritten; the caller is told when."""
    from appeals.audit import AUDIT_KEYS

    if not can_review(by, appeal):
        raise PermissionDenied("Only the appeal's reviewer completes the compliance audit.")
    for item, (answer, _note) in answers.items():
        if item not in AUDIT_KEYS or answer not in AuditAnswer.values:
            raise AppealError(f"Unknown audit question or answer: {item}.")
    with transaction.atomic():
        lock(appeal)
        saves = _appeal_events(appeal, AUDIT_SAVED)
        _version_conflict(
            last=saves.select_related("actor").order_by("-id").first(),
            version=version,
            count=saves.count(),
            by=by,
            what="saved the compliance audit",
        )
        for item, (answer, note) in answers.items():
            ComplianceAnswer.objects.update_or_create(
                appeal=appeal,
                item=item,
                defaults={"answer": answer, "note": note, "created_by": by},
            )
        timeline_record(
            case=appeal.case,
            kind=EventKind.APPEAL,
            summary=AUDIT_SAVED,
            by=by,
            detail={"appeal": appeal.pk},
        )


# -- outcome ------------------------------------------------------------------------


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


__all__ = [
    "AppealAgainst",
    "AppealConflict",
    "AppealError",
    "RecommendationInput",
    "appeal_assign_reviewer",
    "appeal_compliance_record",
    "appeal_decide",
    "appeal_evidence_note",
    "appeal_follow_up_record",
    "appeal_lodge",
    "appeal_notify_delays",
    "appeal_reopen_case",
    "appeal_stage_complete",
    "appeal_stage_record_delay",
    "recommendation_respond",
]
