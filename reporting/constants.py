"""The published figures and their labels, in the order the reports show them."""

from django.db import models


class Figure(models.TextChoices):
    """The four statutory figures (Schedule 4, para 5(2)) and the appeals the OPCC adds."""

    APPLICATIONS = "applications", "Applications received"
    THRESHOLD_NOT_MET = "threshold_not_met", "Times the threshold was not met"
    REVIEWS = "reviews", "Case reviews carried out"
    REVIEWS_WITH_RECOMMENDATIONS = (
        "reviews_with_recommendations",
        "Case reviews that resulted in recommendations",
    )
    APPEALS = "appeals", "Escalations and appeals received"
    APPEALS_UPHELD = "appeals_upheld", "Appeals upheld (case referred back)"


STATUTORY_FIGURES = (
    Figure.APPLICATIONS,
    Figure.THRESHOLD_NOT_MET,
    Figure.REVIEWS,
    Figure.REVIEWS_WITH_RECOMMENDATIONS,
)
"""What the public page shows, and what a publication freezes as the statutory return."""


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", "Met on time"
    LATE = "late", "Met late"
    BREACHED = "breached", "Breached (not met, past due)"
    OPEN = "open", "Open, not yet due"
    WAIVED = "waived", "Waived"


DEFAULT_SUPPRESSION_THRESHOLD = 5
"""Counts from 1 up to this number minus one are published as "fewer than N"."""
