from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.constants import ApiPermission
from api.services import api_client_create
from partnerships.models import Agency, Area


class Command(BaseCommand):
    help = "Create a credential for an agency's system and print its secret (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="Area slug, e.g. hertsmere")
        parser.add_argument("--agency", required=True, help="Agency slug")
        parser.add_argument("--name", required=True, help="Name of the system")
        parser.add_argument(
            "--permission",
            action="append",
            choices=ApiPermission.values,
            dest="permissions",
            help="Repeat for each; default: all",
        )

    def handle(self, *args, area, agency, name, permissions, **options):
        try:
            area_obj = Area.objects.get(slug=area)
            agency_obj = Agency.objects.get(slug=agency)
        except (Area.DoesNotExist, Agency.DoesNotExist) as exc:
            raise CommandError(f"No such area or agency: {exc}") from exc
        try:
            client, secret = api_client_create(
                area=area_obj,
                agency=agency_obj,
                name=name,
                permissions=permissions or list(ApiPermission.values),
                by=None,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Created {client} in {area_obj.name}: {', '.join(client.permissions)}")
        self.stdout.write("Secret (shown once, keep it safe):")
        self.stdout.write(secret)
