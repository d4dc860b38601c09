"""The appeals section of the staff case page (registered with ``cases.hooks``)."""

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
