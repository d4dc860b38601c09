from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.diagram import markdown

TARGET = Path(settings.BASE_DIR) / "docs" / "case-states.md"


class Command(BaseCommand):
    help = "Write docs/case-states.md (a Mermaid state diagram) from the Case transitions."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the doc is stale.")

    def handle(self, *args, check=False, **options):
        text = markdown()
        if check:
            if not TARGET.exists() or TARGET.read_text() != text:
                raise SystemExit("docs/case-states.md is stale: run manage.py state_diagram")
            self.stdout.write("docs/case-states.md is up to date.")
            return
        TARGET.write_text(text)
        self.stdout.write(f"Wrote {TARGET.relative_to(settings.BASE_DIR)}")
