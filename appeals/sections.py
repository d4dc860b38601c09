"""The appeals section of the staff case page (registered with ``cases.hooks``)."""

from appeals.constants import OPEN_APPEAL_STATUSES
from appeals.selectors import appealable_decision, can_manage_appeals, can_review


def appeals_section(case, user) -> dict | None:
    """Appeals on the case, for officers of its area and the reviewer it was routed to."""
    appeals = list(case.appeals.select_related("reviewer").prefetch_related("stages"))
    manage = can_manage_appeals(user, case)
    visible = [a for a in appeals if manage or can_review(user, a)]
    decision = appealable_decision(case) if manage else None
    if not visible and decision is None:
        return None
    return {
        "title": "Appeals",
        "template": "appeals/_case_section.html",
        "context": {
            "appeals": visible,
            "can_lodge": manage and decision is not None,
            "decision": decision,
            "case": case,
        },
        "order": 80,
    }


def open_appeal_blocks_closing(case) -> list[str]:
    """A case cannot close while an appeal on it is under way."""
    if case.pk and case.appeals.filter(status__in=OPEN_APPEAL_STATUSES).exists():
        return ["An appeal on this case is under way: record its outcome first."]
    return []
