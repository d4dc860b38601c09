import base64
import time

from django.core.management.base import BaseCommand

from asbcr.signin.devices import demo_app_code, demo_app_key
from partnerships.demo_loader import demo_modules
from partnerships.reference import DEMO_PASSWORD, demo_users


class Command(BaseCommand):
    help = "Print the demo sign-ins, with each user's authenticator secret and current code."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="only this user")

    def handle(self, *args, **options):
        now = time.time()
        valid_for = 30 - int(now) % 30
        rows = [{"username": "admin", "roles": {}, "label": "system administrator"}]
        rows += demo_users()
        if options["username"]:
            rows = [r for r in rows if r["username"] == options["username"]]
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}).")
        self.stdout.write(
            "Second factor: add the secret to an authenticator app, or type the code shown "
            f"(good for {valid_for} more seconds; run again for a fresh one)."
        )
        self.stdout.write(f"  {'username':24} {'code':6}  {'authenticator secret':32}  roles")
        for row in rows:
            key = demo_app_key(row["username"])
            secret = base64.b32encode(bytes.fromhex(key)).decode()
            roles = row.get("label") or "; ".join(
                f"{area}: {', '.join(r)}" for area, r in row["roles"].items()
            )
            code = demo_app_code(key, at=now)
            self.stdout.write(f"  {row['username']:24} {code}  {secret}  {roles}")
        for module in demo_modules():  # what else each app's demo signs in with
            if hasattr(module, "print_logins"):
                module.print_logins(self.stdout)
