"""Check the hash chains of the timeline and the access log and report the first break.

    manage.py audit_verify                 every chain
    manage.py audit_verify --case HER-2026-0001
    manage.py audit_verify --area hertsmere

Exits with status 1 when a chain is broken.
"""

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify
from cases.models import Case
from partnerships.models import Area


class Command(BaseCommand):
    help = "Check the audit trail's hash chains and report the first break in each."

    def add_arguments(self, parser):
        parser.add_argument("--case", help="A case reference, e.g. HER-2026-0001.")
        parser.add_argument("--area", help="An area's slug, e.g. hertsmere.")

    def handle(self, *args, case=None, area=None, **options):
        if case:
            found = Case.objects.filter(reference=case).first()
            if found is None:
                raise CommandError(f"There is no case {case}.")
            report = verify(cases=[found])
        elif area:
            found = Area.objects.filter(slug=area).first()
            if found is None:
                raise CommandError(f"There is no area {area}.")
            report = verify(area=found)
        else:
            report = verify()
        for item in report.breaks:
            self.stdout.write(str(item))
        summary = f"Checked {report.rows} rows in {report.chains} chains"
        if report.ok:
            self.stdout.write(f"{summary}: no break found.")
            return
        raise CommandError(f"{summary}: {len(report.breaks)} broken.")
