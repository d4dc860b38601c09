"""The case's state machine moves: blockers, what the user may do, the move itself."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django_fsm import ConcurrentTransition

from cases import hooks
from cases.constants import (
    TRANSITION_SUMMARIES,
    EventKind,
)
from cases.models import (
    Case,
    TimelineEvent,
)
from cases.services.common import CONDITION_MESSAGES, CaseWorkflowError, stale_case
from cases.services.records import timeline_record


def transition_blockers(case: Case, name: str) -> list[str]:
    """Plain-English reasons the transition cannot run now (empty if it can)."""
    method = getattr(case, name)
    meta = method._django_fsm
    if not meta.has_transition(case.state):
        return [f"This cannot be done while the case is ‘{case.get_state_display()}’."]
    reasons = []
    for condition in meta.get_transition(case.state).conditions:
        if not condition(case):
            if condition.__name__ == "_no_open_blockers":
                reasons.extend(hooks.close_blockers(case))
            else:
                reasons.append(
                    CONDITION_MESSAGES.get(condition.__name__, "A condition is not met.")
                )
    if hooks.needs_evidence(name):
        reasons.extend(hooks.evidence_missing(case, name, state_entered_at(case)))
    return reasons


def state_entered_at(case: Case):
    """When the case last moved into the state it is in now (None if never recorded)."""
    return (
        TimelineEvent.objects.filter(case=case, kind=EventKind.TRANSITION, to_state=case.state)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )


def available_transitions(case: Case, user) -> list[str]:
    """The transitions this user may take now, by method name."""
    return [
        t.name
        for t in case.get_available_user_state_transitions(user)
        if not t.name.startswith("_")
    ]


def case_transition(
    *,
    case: Case,
    name: str,
    by,
    reason: str = "",
    expected_state: str | None = None,
    fields: dict | None = None,
    detail: dict | None = None,
) -> Case:
    """Run one transition: lock, check permission, transition, save, timeline, hooks."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_state is not None and locked.state != expected_state:
            raise stale_case(locked, by)
        method = getattr(locked, name, None)
        if method is None or not hasattr(method, "_django_fsm"):
            raise CaseWorkflowError(f"Unknown step: {name}.")
        meta = method._django_fsm
        if not meta.has_transition(locked.state) and locked.state != case.state:
            # The case moved while this request waited for the lock (or since it loaded).
            raise stale_case(locked, by)
        if not meta.has_transition(locked.state):
            raise CaseWorkflowError(
                "That step is not possible now.", reasons=transition_blockers(locked, name)
            )
        # django-fsm-2 does not enforce `permission=`; this is the one place it is checked.
        if not (by.is_superuser or meta.has_transition_perm(locked, locked.state, by)):
            raise PermissionDenied("You do not have permission to do that on this case.")
        locked.pending_reason = reason or ""
        for key, value in (fields or {}).items():
            setattr(locked, key, value)
        reasons = transition_blockers(locked, name)
        if reasons:
            raise CaseWorkflowError("That step is not possible yet.", reasons=reasons)
        from_state = locked.state
        method()
        try:
            locked.save()
        except ConcurrentTransition as exc:
            raise stale_case(locked, by) from exc
        Case.objects.filter(pk=locked.pk).update(lock_version=F("lock_version") + 1)
        locked.refresh_from_db(fields=["lock_version"])
        timeline_record(
            case=locked,
            kind=EventKind.TRANSITION,
            summary=TRANSITION_SUMMARIES.get(name, name.replace("_", " ").capitalize()),
            by=by,
            reason=reason,
            from_state=from_state,
            to_state=locked.state,
            detail={"transition": name, **(detail or {})},
            visible_to_applicant=True,
        )
        hooks.run_after_transition(locked, name, by)
    return locked


def case_acknowledge(*, case: Case, by) -> Case:
    """Acknowledge the application (CR1 letter follows, on the preferred channel)."""
    return case_transition(case=case, name="acknowledge", by=by)


def case_refer_back(
    *, case: Case, by, reason: str, recommended_course: str, expected_state: str | None = None
) -> Case:
    """Out of scope: referred back with a reason and a recommended course of action."""
    return case_transition(
        case=case,
        name="refer_back",
        by=by,
        reason=reason,
        expected_state=expected_state,
        fields={"referred_back_reason": reason, "recommended_course": recommended_course},
    )


def case_withdraw(*, case: Case, by, reason: str) -> Case:
    """Withdraw the application (victim's request, or unreachable after reasonable efforts)."""
    return case_transition(case=case, name="withdraw", by=by, reason=reason)


def case_close(*, case: Case, by, summary: str) -> Case:
    """Close the case with a closing summary."""
    return case_transition(case=case, name="close", by=by, reason=summary)
