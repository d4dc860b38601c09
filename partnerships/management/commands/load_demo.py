"""Load the demo: reference data, demo staff and demo cases. Safe to run again."""

from django.core.management.base import BaseCommand

from partnerships.demo_loader import demo_modules
from partnerships.reference import load_reference_data


class Command(BaseCommand):
    help = "Load the five seed areas, their agencies and procedures, demo users and cases."

    def handle(self, *args, **options):
        result = load_reference_data(with_users=True)
        self.stdout.write(
            f"Reference data: {len(result['areas'])} areas, {len(result['agencies'])} agencies, "
            f"{len(result['users'])} demo users."
        )
        for module in demo_modules():
            module.load_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
