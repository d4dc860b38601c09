"""How the hub's own codes and events read in words (registered in ``CasesConfig.ready``)."""

from cases.constants import DETAIL_LABELS, CaseState, EventKind


def details_summary(event) -> str | None:
    """ "Details changed: email address, phone number" for an event that stored field names."""
    fields = (event.detail or {}).get("fields") if isinstance(event.detail, dict) else None
    if event.kind != EventKind.DETAILS or not fields:
        return None
    return "Details changed: " + ", ".join(
        DETAIL_LABELS.get(name, name.replace("_", " ").lower()) for name in fields
    )


def register() -> None:
    from asbcr import words

    words.register_labels("case_state", CaseState)
    words.register_summary(details_summary)
