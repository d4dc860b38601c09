"""Demo staff second factors: each demo user has an authenticator-app secret fixed by their
username, so `manage.py demo_logins` can print it and the code it gives now."""

from asbcr.signin.devices import demo_app_devices_enrol
from partnerships.models import User
from partnerships.reference import demo_users


def demo_usernames() -> list[str]:
    return ["admin", *(row["username"] for row in demo_users())]


def load_demo(stdout) -> None:
    users = User.objects.filter(username__in=demo_usernames())
    demo_app_devices_enrol(users)
    stdout.write(f"Second factor: {users.count()} demo users have a demo authenticator secret.")
