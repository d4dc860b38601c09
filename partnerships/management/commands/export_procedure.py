"""Print a procedure version's YAML exactly as stored, comments kept."""

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Procedure, ProcedureVersion
from partnerships.procedures import procedure_export


class Command(BaseCommand):
    help = "Print the YAML of a procedure (latest version, or --version N), comments kept."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version N (a procedure version) replaces Django's --version (its own).
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The procedure slug, e.g. hertsmere.")
        parser.add_argument("--version", type=int, dest="number", help="A version number.")

    def handle(self, *args, slug, number=None, **options):
        try:
            text = procedure_export(slug, version=number)
        except Procedure.DoesNotExist:
            known = ", ".join(Procedure.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No procedure '{slug}'. Known procedures: {known}.") from None
        except ProcedureVersion.DoesNotExist:
            raise CommandError(f"Procedure '{slug}' has no version {number}.") from None
        if text is None:
            raise CommandError(f"Procedure '{slug}' has no versions yet.")
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
