"""The threshold section on the staff case page (registered in ThresholdsConfig.ready)."""

from thresholds import selectors, services


def threshold_case_section(case, user):
    """Latest decision, the engine's verdict on the recorded incidents, and links."""
    can_decide = user.is_superuser or user.has_perm(services.DECIDE, case)
    can_view = can_decide or user.has_perm(services.RECORD_VIEW, case)
    decision = selectors.latest_decision(case)
    preview = services.threshold_preview(case=case)
    return {
        "title": "Threshold",
        "template": "thresholds/_case_section.html",
        "order": 20,
        "context": {
            "case": case,
            "decision": decision,
            "preview": preview.explanation(),
            "can_decide": can_decide,
            "can_view": can_view,
        },
    }
