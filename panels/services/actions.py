"""The action plan's actions: added, updated, accepted, returned, and their escalation."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from asbcr.concurrency import (
    DOUBLE_SUBMIT_WINDOW,
    GENERIC_MESSAGE,
    ConflictError,
    conflict,
    lock,
)
from asbcr.templatetags.words import long_date
from cases import hooks
from cases.constants import EventKind
from cases.models import Case, CaseAccessGrant, TimelineEvent
from cases.services import timeline_record
from panels.constants import (
    OWNER_SETTABLE_STATUSES,
    RESOLVED_ACTION_STATUSES,
    ActionStatus,
)
from panels.models import (
    Action,
    Listing,
)
from panels.services.common import (
    ACCEPT,
    ARRANGE,
    UPDATE,
    PanelError,
    _is_chair_or_arranger,
    _require,
)
from panels.services.membership import _require_quorate
from partnerships.constants import PickPurpose
from partnerships.selectors import agency_choosable_check, staff_choosable_check


@dataclass
class ActionInput:
    what: str
    why: str
    owner: object
    due_on: dt.date
    agency: object = None
    withhold_from_victim: bool = False


def action_add(
    *, case: Case, by, data: ActionInput, listing: Listing | None = None, interim: bool = False
) -> Action:
    """Add an action with a named owner and due date. An interim action (immediate risk,
    before the meeting) is carried into the plan when the minutes are recorded. At a
    meeting the panel's chair adds actions as the panel agrees them; only the
    administering body adds an interim action."""
    if listing is not None:
        if listing.case_id != case.pk:
            raise ValidationError({"listing": "That meeting is for another case."})
        if not _is_chair_or_arranger(by, listing):
            raise PermissionDenied
    else:
        _require(by, ARRANGE, case)
    if listing is not None:
        _require_quorate(listing)
    elif not interim:
        raise ValidationError({"listing": "Agree plan actions at a meeting."})
    staff_choosable_check(
        case=case, purpose=PickPurpose.ACTION_OWNER, person=data.owner, field="owner"
    )
    agency_choosable_check(case=case, agency=data.agency, field="agency")
    errors = {}
    if not data.what.strip():
        errors["what"] = "Say what is to be done."
    if not data.why.strip():
        errors["why"] = "Say why."
    agency = data.agency or getattr(data.owner, "agency", None)
    if agency is None:
        errors["agency"] = "Choose the owning agency."
    if not interim and data.due_on < timezone.localdate():
        errors["due_on"] = "The due date cannot be in the past."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock(listing or case)  # the same action added twice at once is added once
        same = Action.objects.filter(
            case=case,
            listing=listing,
            what=data.what.strip(),
            owner=data.owner,
            due_on=data.due_on,
            created_by=by,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).first()
        if same is not None:
            raise conflict(what="added this action", at=same.created_at, actor=by, by=by)
        action = Action.objects.create(
            case=case,
            listing=listing,
            what=data.what.strip(),
            why=data.why.strip(),
            agency=agency,
            owner=data.owner,
            due_on=data.due_on,
            withhold_from_victim=data.withhold_from_victim,
            interim=interim,
            created_by=by,
        )
        CaseAccessGrant.objects.get_or_create(
            case=case, user=data.owner, defaults={"reason": "Owns an action on the plan"}
        )
        timeline_record(
            case=case,
            kind=EventKind.ACTION,
            summary=("Interim action recorded: " if interim else "Action agreed: ")
            + f"{action.what[:120]} ({agency}, due {long_date(action.due_on)})",
            by=by,
            detail={"action_id": action.pk, "withhold_from_victim": action.withhold_from_victim},
        )
        _action_deadline_start(action, by=by)
        hooks.run_work_arrived("action_assigned", action)
    return action


def _action_deadline_start(action: Action, *, by, due: dt.date | None = None, round_: int = 0):
    """The action's due date as a deadline that climbs the procedure's ``action_escalation``
    ladder when overdue (the deadlines sweep walks it: owner, line manager, head of service,
    chief executive), each rung recorded and notified once."""
    from deadlines.services import deadline_start

    suffix = f":{round_}" if round_ else ""
    return deadline_start(
        case=action.case,
        key=f"action:{action.pk}{suffix}",
        step="action",
        due=due or action.due_on,
        rule=f"Action: {action.what[:200]}",
        responsible_user=action.owner,
        responsible_agency=action.agency,
        responsible_role="action_owner",
        subject=action,
        escalates=True,
        by=by,
    )


def _action_deadline_meet(action: Action, *, by, on: dt.date | None = None) -> None:
    from deadlines.constants import LIVE_STATES
    from deadlines.services import deadline_meet, deadlines_for_subject

    for deadline in deadlines_for_subject(action).filter(state__in=LIVE_STATES):
        deadline_meet(deadline=deadline, on=on, by=by)


def _action_record(
    action: Action, *, by, fields: dict, summary: str, reason: str = "", detail=None
) -> Action:
    """Write an action's new status and put the change on the case timeline (in the
    caller's transaction, on a row the caller has locked)."""
    Action.objects.filter(pk=action.pk).update(version=F("version") + 1, **fields)
    action.refresh_from_db()
    timeline_record(
        case=action.case,
        kind=EventKind.ACTION,
        summary=f"{summary}: {action.what[:120]}",
        by=by,
        reason=reason,
        detail={"action_id": action.pk, **(detail or {})},
    )
    return action


def _action_lock(action: Action, *, by, version: int | None) -> Action:
    """Lock the action's row and refuse if it changed since the caller loaded it (the
    status they saw, or the version their form carried): the second of two people
    accepting, returning or reporting at once is told who got there first."""
    locked = lock(action)
    if locked.status != action.status or (version is not None and version != locked.version):
        raise _action_conflict(locked, by)
    return locked


def _refuse_stale(action: Action, *, by, version: int | None) -> None:
    """A form loaded before someone else changed the action is refused, whatever the
    action's state now, so the message says what happened instead of a rule."""
    if version is not None and version != action.version:
        raise _action_conflict(action, by)


def _action_conflict(action: Action, by) -> ConflictError:
    event = (
        TimelineEvent.objects.filter(case_id=action.case_id, detail__action_id=action.pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ConflictError(GENERIC_MESSAGE, version=action.version)
    return conflict(
        what="updated this action",
        at=event.at,
        actor=event.actor,
        by=by,
        outcome=event.summary,
        version=action.version,
    )


def _can_update(user, action: Action) -> bool:
    if user.is_superuser or action.owner_id == user.pk:
        return True
    if user.has_perm(ARRANGE, action.case):
        return True
    return bool(user.agency_id == action.agency_id and user.has_perm(UPDATE, action.case))


def action_update(
    *,
    action: Action,
    by,
    status: str,
    reason: str = "",
    completion_report: str = "",
    version: int | None = None,
) -> Action:
    """The owner reports progress: in progress, delayed (why), completed (report, for the
    administering body to accept), or no longer needed (with the outcome)."""
    if not _can_update(by, action):
        raise PermissionDenied
    _refuse_stale(action, by=by, version=version)
    if action.status in RESOLVED_ACTION_STATUSES:
        raise PanelError("This action is closed.")
    if status not in OWNER_SETTABLE_STATUSES:
        raise ValidationError(
            {"status": "Choose in progress, delayed, completed or no longer needed."}
        )
    errors = {}
    if status == ActionStatus.DELAYED and not reason.strip():
        errors["reason"] = "Say why the action is delayed."
    if status == ActionStatus.NO_LONGER_NEEDED and not reason.strip():
        errors["reason"] = "Say what the outcome was, so partners can agree what else to do."
    if status == ActionStatus.REPORTED and not completion_report.strip():
        errors["completion_report"] = "Describe what was done."
    if errors:
        raise ValidationError(errors)
    fields = {"status": status, "status_reason": reason.strip()}
    if status == ActionStatus.REPORTED:
        fields.update(completion_report=completion_report.strip(), reported_at=timezone.now())
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields=fields,
            summary=f"Action {ActionStatus(status).label.lower()}",
            reason=reason or completion_report,
            detail={"status": status},
        )
        if status in (ActionStatus.REPORTED, ActionStatus.NO_LONGER_NEEDED):
            # "An action is not considered complete until the CSIO is informed": the
            # report informs them, so the ladder stops here.
            _action_deadline_meet(action, by=by)
    return action


def action_accept(*, action: Action, by, version: int | None = None) -> Action:
    """The administering body accepts the owner's completion report: only then is it done."""
    _require(by, ACCEPT, action.case)
    _refuse_stale(action, by=by, version=version)
    if action.status != ActionStatus.REPORTED:
        raise PanelError("Only an action whose owner has reported it complete can be accepted.")
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields={"status": ActionStatus.DONE, "accepted_at": timezone.now(), "accepted_by": by},
            summary="Action done (report accepted)",
        )
        _action_deadline_meet(action, by=by)
    return action


def action_return_report(*, action: Action, by, reason: str, version: int | None = None) -> Action:
    """The administering body does not accept the report: the action is in progress again."""
    _require(by, ACCEPT, action.case)
    _refuse_stale(action, by=by, version=version)
    if action.status != ActionStatus.REPORTED:
        raise PanelError("There is no completion report waiting.")
    if not reason.strip():
        raise ValidationError({"reason": "Say what is still needed."})
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields={"status": ActionStatus.IN_PROGRESS, "status_reason": reason.strip()},
            summary="Completion report returned",
            reason=reason,
        )
        from deadlines.services import deadlines_for_subject

        rounds = deadlines_for_subject(action).count()
        _action_deadline_start(
            action, by=by, due=max(action.due_on, timezone.localdate()), round_=rounds
        )
    return action


def action_hand_to_business_as_usual(
    *, action: Action, by, reason: str, version: int | None = None
) -> Action:
    """The administering body formally hands an action to the agency's usual work."""
    _require(by, ACCEPT, action.case)
    _refuse_stale(action, by=by, version=version)
    if action.status in RESOLVED_ACTION_STATUSES:
        raise PanelError("This action is closed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say who carries it on, and how."})
    with transaction.atomic():
        _action_lock(action, by=by, version=version)
        _action_record(
            action,
            by=by,
            fields={"status": ActionStatus.BUSINESS_AS_USUAL, "status_reason": reason.strip()},
            summary="Action handed to business as usual",
            reason=reason,
        )
        _action_deadline_meet(action, by=by)
    return action
