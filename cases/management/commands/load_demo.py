"""Load the demo: reference data, demo staff and demo cases. Safe to run again."""

import importlib

from django.core.management.base import BaseCommand

from partnerships.reference import load_reference_data

# Each app that has demo records exposes ``demo.load_demo(stdout)``; order matters.
DEMO_MODULES = [
    "partnerships.demo",
    "cases.demo",
    "thresholds.demo",
    "deadlines.demo",
    "letters.demo",
    "panels.demo",
    "appeals.demo",
    "public.demo",
    "reporting.demo",
    "privacy.demo",
    "api.demo",
]


class Command(BaseCommand):
    help = "Load the five seed areas, their agencies and procedures, demo users and cases."

    def handle(self, *args, **options):
        result = load_reference_data(with_users=True)
        self.stdout.write(
            f"Reference data: {len(result['areas'])} areas, {len(result['agencies'])} agencies, "
            f"{len(result['users'])} demo users."
        )
        for dotted in DEMO_MODULES:
            try:
                module = importlib.import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name == dotted:
                    continue
                raise
            module.load_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
