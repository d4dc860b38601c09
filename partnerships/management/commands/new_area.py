"""Set up a new partnership from one YAML file (docs/new-area.md): all of it, or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from partnerships.new_area import NewAreaError, new_area_check, new_area_create


class Command(BaseCommand):
    help = (
        "Create a new area from a YAML file: the area and its nation, its agencies and "
        "their SPOCs, its staff and their roles, and a copy of an existing procedure. "
        "Everything is checked first; each problem is printed with its line and field, and "
        "nothing is created unless the whole file is right. See docs/new-area.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The new area's YAML file.")
        parser.add_argument("--check", action="store_true", help="Only check; create nothing.")

    def handle(self, *args, file, check, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                f"Cannot read {file}: {getattr(exc, 'strerror', None) or exc}"
            ) from exc
        try:
            plan, problems = new_area_check(text)
        except DatabaseError as exc:
            raise CommandError(
                "The database is not ready: run 'python manage.py migrate' first."
            ) from exc
        if not problems and not check:
            try:
                area = new_area_create(text=text)
            except NewAreaError as exc:
                problems = exc.problems
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                f"Nothing created: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
                f"in {Path(file).name}."
            )
        if check:
            self.stdout.write(f"{Path(file).name}: everything is right; nothing created (--check).")
            return
        self.stdout.write(
            f"Created {area.name} ({area.slug}): {len(plan.new_agencies)} new agencies, "
            f"{len(plan.existing_agencies)} existing joined, {len(plan.staff)} staff, procedure "
            f"{plan.procedure['slug']} copied from {plan.procedure['copy']} version "
            f"{plan.procedure['copy_version']}. Give each person a first password with "
            "'python manage.py changepassword USERNAME'."
        )
