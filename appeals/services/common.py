"""What every appeal service shares: its errors, the row lock and period words."""

from appeals.constants import (
    AppealStatus,
)
from appeals.models import (
    Appeal,
)
from asbcr.concurrency import GENERIC_MESSAGE, ConflictError, conflict_message, lock, refresh_from
from cases.models import TimelineEvent
from cases.services import CaseWorkflowError

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
