"""An appeal lodged: checked against the procedure, its stages created, the CR3a sent."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from appeals import integration
from appeals.constants import (
    AppealStatus,
)
from appeals.dates import add_period
from appeals.models import (
    Appeal,
    AppealStage,
)
from appeals.selectors import (
    appealable_decision,
    can_manage_appeals,
)
from appeals.services.common import AppealError, _appeal_conflict, _period_words
from appeals.services.routing import _route
from asbcr.concurrency import lock
from cases import hooks
from cases.constants import Channel, EventKind
from cases.models import Case
from cases.services import timeline_record


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
