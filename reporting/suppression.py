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


def suppressed_count(value: int, threshold: int) -> int | None:
    """A count for a machine-readable return: None where the published page would say
    "fewer than N" (1 to threshold-1), the count itself otherwise."""
    return None if 0 < value < threshold else value


def suppress_group(values: list[int], threshold: int) -> list[int | None]:
    """Counts that add up to a published total, suppressed so none can be worked out.

    Each small count (1 to threshold-1) is suppressed; if that leaves exactly one
    suppressed, the total minus the others would give it away, so the smallest other
    non-zero count is suppressed too (complementary suppression).
    """
    shown: list[int | None] = [suppressed_count(v, threshold) for v in values]
    if sum(1 for s in shown if s is None) == 1:
        others = [(v, i) for i, (v, s) in enumerate(zip(values, shown, strict=True)) if s]
        if others:
            shown[min(others)[1]] = None
    return shown
