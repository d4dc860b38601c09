"""Erase the personal data of closed cases past their retention.

manage.py retention --dry-run   list what would be erased today, and what is held
manage.py retention             erase it (the daily job does the same)
manage.py retention --on 2032-12-01 --dry-run
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import retention


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Command(BaseCommand):
    help = "Erase personal data of closed cases past their retention (--dry-run to list)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, erase nothing.")
        parser.add_argument("--on", help="As on this date (YYYY-MM-DD); default today.")

    def handle(self, *args, dry_run=False, on=None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--on takes a date like 2032-12-01, not {on!r}.") from exc
        plans = retention.due_cases(on=day)
        ready = [p for p in plans if p.ready]
        self.stdout.write(
            f"{'Would erase' if dry_run else 'Erasing'} {len(ready)} of {len(plans)} "
            f"cases past their retention on {_date(day)}."
        )
        for item in plans:
            case = item.case
            line = (
                f"{case.reference} ({case.area.name}): closed {_date(case.closed_on)}, "
                f"kept {retention.retention_years(case)} years, due {_date(item.due_on)}"
            )
            if not item.ready:
                self.stdout.write(f"  held  {line} — {item.blocked}")
                continue
            what = ", ".join(f"{n} {label}" for label, n in item.counts.items())
            self.stdout.write(f"  erase {line} — {what}")
        for case in retention.legal_holds():
            self.stdout.write(f"  legal hold {case.reference}: {case.legal_hold_reason}")
        if dry_run:
            return
        erased = retention.run(on=day)
        self.stdout.write(f"Erased {len(erased)} cases.")
