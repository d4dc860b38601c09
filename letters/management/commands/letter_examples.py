"""Render one example of every letter (and the chair's pack) from the demo data, as PDFs
and, with pdftoppm, PNG pages for the documentation. Nothing is sent or kept."""

import shutil
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from letters import context as letter_context
from letters import services
from letters.constants import LetterKind
from letters.examples import examples

# The state a demo case should be in to make a natural example of each letter.
EXAMPLE_STATES = {
    LetterKind.CR1: ["acknowledged", "received"],
    LetterKind.CR3: ["threshold_not_met"],
    LetterKind.CR3A: ["threshold_not_met"],
    LetterKind.CR4: ["threshold_met", "panel_arranged"],
    LetterKind.CR5: ["gathering_information"],
    LetterKind.OFFICER: ["threshold_met", "gathering_information"],
    LetterKind.DELAY: ["gathering_information"],
    LetterKind.WITHDRAWAL: ["withdrawn"],
    LetterKind.OUTCOME: ["reviewed", "outcome_sent", "monitoring", "panel_arranged"],
    LetterKind.APPEAL_OUTCOME: ["threshold_not_met", "reopened"],
}
EXTRA = {
    LetterKind.DELAY: {
        "timescale": "agency_responses",
        "reason": "The housing provider has not yet sent us its records. We have asked again.",
    },
    LetterKind.APPEAL_OUTCOME: {
        "appeal_upheld": False,
        "appeal_reasons": "The reviewer found the reports were checked against the rules "
        "correctly, and the reasons were explained in the letter.",
    },
}


class Command(BaseCommand):
    help = "Write an example PDF and PNG (first page) of every letter from the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--area", default="hertsmere")
        parser.add_argument("--dpi", type=int, default=60)

    def handle(self, *args, **options):
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        cases = Case.objects.filter(area__slug=options["area"]).order_by("pk")
        if not cases.exists():
            raise CommandError("No demo cases in that area: run load_demo first.")
        for kind in LetterKind:
            case = next(
                (c for s in EXAMPLE_STATES[kind] for c in cases if c.state == s), cases.first()
            )
            bodies = letter_context.relevant_bodies(case)
            agency = bodies[0] if kind == LetterKind.CR5 and bodies else None
            pdf, _ = services.letter_render(
                case=case, kind=kind, agency=agency, extra_context=EXTRA.get(kind)
            )
            self._write(out, kind.value.lower(), pdf, options["dpi"])
        # A case the panel has met on shows the whole pack (actions, withheld ones marked).
        pack_case = next(
            (c for c in cases if c.panel_actions.exists()),
            next(
                (c for c in cases if c.state in ("panel_arranged", "threshold_met")),
                cases.first(),
            ),
        )
        pack = services.chairs_pack_render(case=pack_case)
        self._write(out, "chairs_pack", pack, options["dpi"])
        # Every page of the pack, and of the evidence bundle for a demo escalation.
        self._write(out, "chairs_pack", pack, options["dpi"], every_page=True)
        for name, render in examples().items():  # the evidence bundle, from appeals
            pdf = render()
            if pdf is not None:
                self._write(out, name, pdf, options["dpi"], every_page=True)

    def _write(self, out: Path, name: str, pdf: bytes, dpi: int, every_page=False) -> None:
        """The first page as ``name.png``; with ``every_page``, ``name-01.png``... too."""
        pdf_path = out / f"{name}.pdf"
        pdf_path.write_bytes(pdf)
        if shutil.which("pdftoppm"):
            pages = [] if every_page else ["-f", "1", "-l", "1", "-singlefile"]
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(dpi), *pages, str(pdf_path), str(out / name)],
                check=True,
            )
            pdf_path.unlink()
        self.stdout.write(f"{name}: {services.page_count(pdf)} pages")
