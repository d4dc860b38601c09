from django.core.management.base import BaseCommand

from partnerships.reference import DEMO_PASSWORD, demo_users


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'admin':24} system administrator")
        for row in demo_users():
            roles = "; ".join(f"{area}: {', '.join(r)}" for area, r in row["roles"].items())
            self.stdout.write(f"  {row['username']:24} {roles}")
        try:
            from api.demo import DEMO_API_CLIENT, DEMO_API_SECRET
        except ModuleNotFoundError:
            return
        self.stdout.write(
            f"Demo API secret ({DEMO_API_CLIENT['agency']} in {DEMO_API_CLIENT['area']}, "
            "docs/api.md):"
        )
        self.stdout.write(f"  {DEMO_API_SECRET}")
