"""Print an area's figures for a financial year (or date range) as JSON or CSV, for scripts.

    manage.py statistics --area hertsmere --year 2026 --format json

``--year 2026`` is the financial year 1 April 2026 to 31 March 2027. ``--area`` may be
given more than once to add areas together (for example a whole county).
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from asbcr.exports import csv_writer
from partnerships.models import Area
from reporting import selectors
from reporting.constants import Figure
from reporting.periods import Period, PeriodOutOfRange, last_complete_financial_year


class Command(BaseCommand):
    help = "Print the case review figures for areas and a financial year as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "--area", action="append", required=True, help="Area slug (repeatable)."
        )
        parser.add_argument(
            "--year",
            type=int,
            help="Financial year: 2026 means 1 April 2026 to 31 March 2027 "
            "(default: the last complete one).",
        )
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, area, year, date_from, date_to, format, **options):
        areas = list(Area.objects.filter(slug__in=area).order_by("name"))
        missing = set(area) - {a.slug for a in areas}
        if missing:
            raise CommandError(f"No area with slug: {', '.join(sorted(missing))}")
        if bool(date_from) != bool(date_to):
            raise CommandError("Give both --from and --to, or neither.")
        try:
            if date_from:
                if date_to < date_from:
                    raise CommandError("--to is before --from.")
                period = Period.between(date_from, date_to)
            else:
                period = Period.financial_year(year or last_complete_financial_year())
        except PeriodOutOfRange as exc:
            raise CommandError(str(exc)) from exc
        report = selectors.report(areas=areas, periods=[period])
        figures = {key: values[period.label] for key, values in report["figures"].items()}
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "areas": [a.slug for a in areas],
                        "period": {
                            "label": period.label,
                            "start": period.start.isoformat(),
                            "end": period.end.isoformat(),
                        },
                        "figures": figures,
                        "by_channel": dict(report["by_channel"]),
                        "by_agency_reported_to": dict(report["by_agency"]),
                        "by_outcome": dict(report["by_outcome"]),
                        "appeal_outcomes": dict(report["appeal_outcomes"]),
                        "repeat_applications": report["repeat_applications"],
                        "timeliness": report["timeliness"],
                    },
                    indent=2,
                )
            )
            return
        labels = dict(Figure.choices)
        writer = csv_writer(self.stdout)
        writer.writerow(["area", "period", "start", "end", "figure", "label", "count"])
        for key, n in figures.items():
            writer.writerow(
                [
                    "+".join(a.slug for a in areas),
                    period.label,
                    period.start.isoformat(),
                    period.end.isoformat(),
                    key,
                    labels[key],
                    n,
                ]
            )
