"""Import an agency's incident export into the incident log (all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Agency
from thresholds import services


class Command(BaseCommand):
    help = (
        "Import FILE.csv of incidents reported to agency SLUG. If any row is wrong nothing "
        "is imported and each error names its row and column; re-importing adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--agency", required=True, help="Agency slug.")

    def handle(self, *args, **options):
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency '{options['agency']}'.")
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        result = services.incident_import(text=text, agency=agency, by=None)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing imported: {len(result.errors)} problem(s) in the file.")
        self.stdout.write(
            f"{result.created} incident(s) imported, {result.unchanged} already in the log."
        )
