"""Render one letter of a case to a PDF file, without sending or keeping it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from letters import context as letter_context
from letters import services
from letters.constants import LetterKind


class Command(BaseCommand):
    help = "Render a letter (CR1, CR3, CR3a, CR4, CR5, officer, delay, withdrawal, outcome, "
    "appeal_outcome, or chairs_pack) for a case to a PDF file. Nothing is sent or kept."

    def add_arguments(self, parser):
        parser.add_argument("--case", required=True, help="The case reference.")
        parser.add_argument("--letter", required=True, help="CR1, CR3, ..., or chairs_pack.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument("--agency", help="For CR5: the relevant body's slug.")

    def handle(self, *args, **options):
        try:
            case = Case.objects.select_related("area", "procedure_version").get(
                reference=options["case"]
            )
        except Case.DoesNotExist as exc:
            raise CommandError(f"No case {options['case']}.") from exc
        letter = options["letter"]
        if letter == "chairs_pack":
            pdf = services.chairs_pack_render(case=case)
        else:
            kinds = {k.value.lower(): k for k in LetterKind}
            if letter.lower() not in kinds:
                raise CommandError(
                    f"Unknown letter {letter}; use one of {', '.join(LetterKind.values)}."
                )
            kind = kinds[letter.lower()]
            agency = None
            if kind == LetterKind.CR5:
                bodies = letter_context.relevant_bodies(case)
                matching = [
                    b for b in bodies if not options["agency"] or b.slug == options["agency"]
                ]
                if not matching:
                    raise CommandError("The case has no such relevant body for a CR5 form.")
                agency = matching[0]
            try:
                pdf, _ = services.letter_render(case=case, kind=kind, agency=agency)
            except services.LetterError as exc:
                raise CommandError(exc.message) from exc
        Path(options["out"]).write_bytes(pdf)
        self.stdout.write(
            f"Wrote {options['out']} ({len(pdf)} bytes, {services.page_count(pdf)} pages)."
        )
