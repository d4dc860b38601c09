"""Publications: a year's statutory figures for one area, frozen when published."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from asbcr.models import AppendOnlyModel
from asbcr.templatetags.words import long_date
from reporting.constants import STATUTORY_FIGURES, Figure
from reporting.suppression import suppress


class Publication(AppendOnlyModel):
    """The four statutory figures for an area's financial year, as published on a date.

    Never changed or deleted: a correction is a new publication for the same year,
    dated, with a note saying what changed. The public page shows the latest one.
    """

    area = models.ForeignKey(
        "partnerships.Area", on_delete=models.PROTECT, related_name="publications"
    )
    year = models.PositiveSmallIntegerField(
        help_text="Financial year starting 1 April of this year (2026 is 2026-27)."
    )
    period_start = models.DateField()
    period_end = models.DateField()
    figures = models.JSONField(help_text="{figure: count}, the exact counts at publication.")
    suppression_threshold = models.PositiveSmallIntegerField(
        help_text="Counts from 1 to this number minus one are shown as 'fewer than N'."
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, help_text="For a correction: what changed and why.")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["area", "-year", "-published_at", "-id"]
        permissions = [
            ("view_statistics", "Can see an area's statistics"),
            ("publish_statistics", "Can publish an area's statistics"),
            ("view_monitoring", "Can see the Commissioner's monitoring view"),
        ]

    def __str__(self):
        return f"{self.area} {self.year_label} published {long_date(self.published_at)}"

    @property
    def year_label(self) -> str:
        return f"{self.year}-{str(self.year + 1)[-2:]}"

    @property
    def is_correction(self) -> bool:
        return self.supersedes_id is not None

    def public_rows(self) -> list[tuple[str, str]]:
        """(label, shown value) for each statutory figure, small numbers suppressed."""
        labels = dict(Figure.choices)
        return [
            (labels[f], suppress(self.figures.get(str(f), 0), self.suppression_threshold))
            for f in STATUTORY_FIGURES
        ]


class DataReturn(AppendOnlyModel):
    """An area's data return for a financial year, as produced for the Home Office and
    the Commissioner: the JSON and CSV exactly as they were given out, with a hash.

    Never changed or deleted (the database refuses it too, ``audit.triggers``). Producing
    the year again after a figure has changed is a new return that supersedes the last.
    Every count in it is already suppressed (``reporting.returns``).
    """

    area = models.ForeignKey(
        "partnerships.Area", on_delete=models.PROTECT, related_name="data_returns"
    )
    year = models.PositiveSmallIntegerField(
        help_text="Financial year starting 1 April of this year (2026 is 2026-27)."
    )
    period_start = models.DateField()
    period_end = models.DateField()
    format_version = models.CharField(max_length=10)
    json_text = models.TextField(help_text="The return as JSON, exactly as produced.")
    csv_text = models.TextField(help_text="The same return as CSV, exactly as produced.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the JSON, as UTF-8.")
    suppression_threshold = models.PositiveSmallIntegerField()
    produced_at = models.DateTimeField(default=timezone.now)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["area", "-year", "-produced_at", "-id"]
        permissions = [("produce_data_return", "Can produce an area's data return")]

    def __str__(self):
        return f"{self.area} {self.year_label} data return of {long_date(self.produced_at)}"

    @property
    def year_label(self) -> str:
        return f"{self.year}-{str(self.year + 1)[-2:]}"

    @property
    def document(self) -> dict:
        import json

        return json.loads(self.json_text)

    def filename(self, fmt: str) -> str:
        return (
            f"asb-case-review-data-return-v{self.format_version}-{self.area.slug}-"
            f"{self.year_label}-{self.pk}.{fmt}"
        )
