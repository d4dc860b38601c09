"""The letters section of the staff case page (registered in LettersConfig.ready)."""

from letters import context as letter_context
from letters import selectors


def letters_case_section(case, user) -> dict | None:
    """Letters sent, and the letters that fit the case's state now, with their buttons."""
    sent = list(selectors.letters_for(case=case, user=user))
    can_send = selectors.can_send(user, case)
    if not sent and not can_send:
        return None
    return {
        "title": "Letters",
        "template": "letters/_case_section.html",
        "order": 40,
        "context": {
            "case": case,
            "sent": sent,
            "can_send": can_send,
            "offered": selectors.letters_offered(case) if can_send else [],
            "bodies": letter_context.relevant_bodies(case),
            "chairs_pack": selectors.can_open_chairs_pack(user, case),
        },
    }
