"""Produce and keep an area's data return for a financial year; print it as JSON or CSV.

    manage.py data_return --area hertsmere --year 2025
    manage.py data_return --area hertsmere --year 2025 --format csv --output return.csv

``--year 2025`` is the financial year 1 April 2025 to 31 March 2026; it must have ended.
The return is kept as an immutable record (``reporting.DataReturn``); asking again when
nothing has changed prints the return already kept. Every count is suppressed as the
published figures are (docs/data-return.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Area
from reporting.periods import PeriodOutOfRange, check_financial_year, last_complete_financial_year
from reporting.services import DataReturnError, data_return_produce


class Command(BaseCommand):
    help = "Produce and keep an area's data return for a financial year (JSON or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="Area slug.")
        parser.add_argument(
            "--year",
            type=int,
            help="Financial year: 2025 means 1 April 2025 to 31 March 2026 "
            "(default: the last complete one).",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", type=Path, help="Write to this file instead.")

    def handle(self, *args, area, year, format, output, **options):
        found = Area.objects.filter(slug=area).first()
        if found is None:
            raise CommandError(f"No area with slug: {area}")
        year = last_complete_financial_year() if year is None else year
        try:
            check_financial_year(year)
            record, created = data_return_produce(area=found, year=year, by=None)
        except (PeriodOutOfRange, DataReturnError) as exc:
            raise CommandError(str(exc)) from exc
        text = record.json_text if format == "json" else record.csv_text
        said = "Produced" if created else "Unchanged since"
        note = (
            f"{said} data return #{record.pk} for {found.name} {record.year_label} "
            f"(format {record.format_version}, sha256 {record.sha256[:12]})"
        )
        if output is not None:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"{note}: written to {output}")
            return
        self.stdout.write(text, ending="")
        self.stderr.write(note)
