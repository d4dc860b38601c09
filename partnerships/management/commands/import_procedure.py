"""Import a procedure from YAML: validate, then store a new version if it changed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Procedure
from partnerships.procedures import (
    InvalidProcedure,
    load_yaml,
    parse_yaml,
    procedure_save_version,
)


class Command(BaseCommand):
    help = (
        "Validate a procedure YAML file and store it as the procedure's next version. "
        "Prints every error as 'path: message' and exits non-zero if there is any. "
        "A new version is created only when the content changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The procedure YAML file (see docs/procedures.md).")
        parser.add_argument("--note", default="", help="Change note for the version history.")
        parser.add_argument("--check", action="store_true", help="Only validate; store nothing.")

    def handle(self, *args, file, note, check, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        try:
            data = load_yaml(text)
            slug = data.get("slug") if isinstance(data, dict) else None
            before = Procedure.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            previous = before.current_version.number if before and before.current_version else 0
            if check:
                parse_yaml(text)
                self.stdout.write(f"{path.name}: valid.")
                return
            version = procedure_save_version(
                text=text, change_note=note or f"Imported from {path.name}"
            )
        except InvalidProcedure as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            count = len(exc.errors)
            raise CommandError(
                f"{path.name}: {count} error{'s' if count != 1 else ''}; nothing was saved."
            ) from exc
        procedure = version.procedure
        if version.number == previous:
            self.stdout.write(
                f"{procedure.slug}: no change; the current version is still {version.number}."
            )
        else:
            self.stdout.write(f"{procedure.slug}: saved version {version.number}.")
