"""Demo API client: Hertfordshire Constabulary's records system in Hertsmere."""

from api.constants import ApiPermission
from api.models import ApiClient
from api.services import api_client_create
from partnerships.models import Agency, Area

DEMO_API_SECRET = "asbcr_demoherts01_case-review-demo-api-secret"
"""Demo data only: printed by ``manage.py demo_logins``."""
DEMO_API_CLIENT = {"area": "hertsmere", "agency": "hertfordshire-constabulary"}


def load_demo(stdout) -> None:
    if ApiClient.objects.filter(lookup_id=DEMO_API_SECRET.split("_")[1]).exists():
        return
    api_client_create(
        area=Area.objects.get(slug=DEMO_API_CLIENT["area"]),
        agency=Agency.objects.get(slug=DEMO_API_CLIENT["agency"]),
        name="Demo police records system",
        permissions=list(ApiPermission.values),
        by=None,
        secret=DEMO_API_SECRET,
    )
    stdout.write("API: a demo client for Hertfordshire Constabulary (see demo_logins).")


def print_logins(stdout) -> None:
    """For ``manage.py demo_logins``: the demo agency system's API secret."""
    stdout.write(
        f"Demo API secret ({DEMO_API_CLIENT['agency']} in {DEMO_API_CLIENT['area']}, docs/api.md):"
    )
    stdout.write(f"  {DEMO_API_SECRET}")
