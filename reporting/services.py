"""Writes for reporting: publishing a year's statutory figures, producing the data return."""

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from partnerships.models import Area
from reporting import returns, selectors
from reporting.models import DataReturn, Publication
from reporting.periods import Period, current_financial_year
from reporting.suppression import suppression_threshold

PUBLISH = "reporting.publish_statistics"
PRODUCE_RETURN = "reporting.produce_data_return"


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


# -- the data return -------------------------------------------------------------------


class DataReturnError(PublicationError):
    """A data return that cannot be produced, with a message fit to show the user."""


class DataReturnInvalid(Exception):
    """A return that does not meet its own published schema: a bug, never stored."""


def data_return_latest(*, area: Area, year: int) -> DataReturn | None:
    return DataReturn.objects.filter(area=area, year=year).order_by("-produced_at", "-id").first()


def _check_schema(version, document: dict) -> None:
    import jsonschema

    try:
        jsonschema.validate(
            document,
            version.schema(),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
    except jsonschema.ValidationError as exc:
        raise DataReturnInvalid(f"The data return does not meet its schema: {exc.message}") from exc


def data_return_produce(*, area: Area, year: int, by) -> tuple[DataReturn, bool]:
    """Produce an area's data return for a completed financial year, in the current format,
    every count suppressed, and keep it. Returns (record, created).

    If nothing in it has changed since the last return for that year (a double click, or
    asked again), the last one is returned and nothing new is kept; otherwise the new
    return supersedes the last. ``by`` is None for the management command.
    """
    if by is not None and not (by.is_superuser or by.has_perm(PRODUCE_RETURN, area)):
        raise PermissionDenied("You cannot produce the data return for this area.")
    if year >= current_financial_year():
        period = Period.financial_year(year)
        raise DataReturnError(
            f"The {period.label} financial year has not ended yet: it runs to "
            f"{period.end:%-d %B %Y}. Produce its data return from 1 April."
        )
    period = Period.financial_year(year)
    version = returns.format_for(returns.CURRENT)
    with transaction.atomic():
        # Lock the area so two clicks at once make one return.
        Area.objects.select_for_update().get(pk=area.pk)
        previous = data_return_latest(area=area, year=year)
        threshold = suppression_threshold()
        now = timezone.now()
        document = version.build(
            area=area,
            period=period,
            counts=version.counts(area=area, period=period),
            threshold=threshold,
            produced_at=timezone.localtime(now),
        )
        _check_schema(version, document)
        if (
            previous is not None
            and previous.format_version == version.VERSION
            and version.content(previous.document) == version.content(document)
        ):
            return previous, False
        json_text = version.to_json(document)
        record = DataReturn.objects.create(
            area=area,
            year=year,
            period_start=period.start,
            period_end=period.end,
            format_version=version.VERSION,
            json_text=json_text,
            csv_text=version.to_csv(document),
            sha256=hashlib.sha256(json_text.encode("utf-8")).hexdigest(),
            suppression_threshold=threshold,
            produced_at=now,
            produced_by=by if getattr(by, "is_authenticated", False) else None,
            supersedes=previous,
        )
        return record, True
