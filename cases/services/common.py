"""What every case service shares: the workflow error and the stale-case conflict."""

from asbcr.concurrency import ConflictError, conflict_message
from cases.models import (
    Case,
    TimelineEvent,
)


class CaseWorkflowError(Exception):
    """A workflow step that cannot happen, with a message fit to show the user."""

    def __init__(self, message: str, *, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []


class StaleCase(CaseWorkflowError, ConflictError):
    """Someone else changed the case since this user loaded it (a ``ConflictError`` too,
    so every view's validation-error path shows it)."""


STALE_MESSAGE = (
    "Someone else changed this case while you were working on it. "
    "Your changes have not been saved: check the case as it is now, then try again. "
    "What you typed is still in the form."
)


CONDITION_MESSAGES = {
    "_has_reason": "Give a reason.",
    "_has_referral": "Give the reason it is out of scope and the recommended course of action.",
    "_has_incidents": "Record at least one incident before asking the bodies for their responses.",
    "_decision_at_meeting": "This procedure decides the threshold before the panel is arranged.",
    "_decision_before_meeting": (
        "This procedure decides the threshold at the panel meeting: arrange the panel instead."
    ),
    "_no_open_blockers": "The case cannot close yet.",
}


def stale_case(case: Case, by, *, what: str = "changed the case") -> StaleCase:
    """The plain message for a lost race on a case: who changed it last, when, and how."""
    event = (
        TimelineEvent.objects.filter(case_id=case.pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return StaleCase(STALE_MESSAGE)
    return StaleCase(
        conflict_message(what=what, at=event.at, actor=event.actor, by=by, outcome=event.summary)
    )
