"""The appeal's stages: completed, delayed with a reason, and delays notified."""

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
    AppealStage,
)
from appeals.selectors import (
    can_manage_appeals,
    can_review,
)
from appeals.services.common import AppealError, _appeal_conflict, _period_words
from appeals.services.lodging import _letter
from asbcr.concurrency import lock
from cases.constants import EventKind
from cases.services import timeline_record


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
