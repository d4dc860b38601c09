"""Writes for reporting: publishing a year's statutory figures."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from partnerships.models import Area
from reporting import selectors
from reporting.models import Publication
from reporting.periods import Period, current_financial_year
from reporting.suppression import suppression_threshold

PUBLISH = "reporting.publish_statistics"


class PublicationError(Exception):
    """A publication that cannot be made, with a message fit to show the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def publication_latest(*, area: Area, year: int) -> Publication | None:
    return Publication.objects.filter(area=area, year=year).order_by("-published_at", "-id").first()


def publication_publish(*, area: Area, year: int, by, note: str = "") -> Publication:
    """Freeze an area's four statutory figures for a completed financial year.

    Publishing the same year again is a correction: a new, dated publication that
    supersedes the last one, needing a note, and only when a figure has changed.
    """
    if by is not None and not (by.is_superuser or by.has_perm(PUBLISH, area)):
        raise PermissionDenied("You cannot publish statistics for this area.")
    if year >= current_financial_year():
        period = Period.financial_year(year)
        raise PublicationError(
            f"The {period.label} financial year has not ended yet: it runs to "
            f"{period.end:%-d %B %Y}. Publish it from 1 April."
        )
    period = Period.financial_year(year)
    with transaction.atomic():
        # Lock the area so a double click cannot publish twice.
        Area.objects.select_for_update().get(pk=area.pk)
        previous = publication_latest(area=area, year=year)
        figures = selectors.statutory_figures(areas=[area], period=period)
        threshold = suppression_threshold()
        if previous is not None:
            if previous.figures == figures and previous.suppression_threshold == threshold:
                raise PublicationError(
                    f"The {period.label} figures for {area.name} are already published "
                    f"(on {previous.published_at:%-d %B %Y}) and have not changed."
                )
            if not note.strip():
                raise PublicationError(
                    "These figures correct an earlier publication: say what changed and why."
                )
        return Publication.objects.create(
            area=area,
            year=year,
            period_start=period.start,
            period_end=period.end,
            figures=figures,
            suppression_threshold=threshold,
            published_by=by if getattr(by, "is_authenticated", False) else None,
            note=note.strip(),
            supersedes=previous,
        )
