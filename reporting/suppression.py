"""Small-number suppression, so no victim can be identified from a published count."""

from django.conf import settings

from reporting.constants import DEFAULT_SUPPRESSION_THRESHOLD


def suppression_threshold() -> int:
    """The configured threshold (setting ``REPORTING_SUPPRESSION_THRESHOLD``, default 5)."""
    return int(getattr(settings, "REPORTING_SUPPRESSION_THRESHOLD", DEFAULT_SUPPRESSION_THRESHOLD))


def suppress(value: int, threshold: int | None = None) -> str:
    """0 stays 0; 1 to threshold-1 becomes "fewer than N"; anything else is shown as is.

    A threshold of 0 or 1 turns suppression off.
    """
    threshold = suppression_threshold() if threshold is None else threshold
    if 0 < value < threshold:
        return f"fewer than {threshold}"
    return str(value)
