"""Demo tracking links, so the tracking page can be opened straight after ``load_demo``.

The token is derived from SECRET_KEY and the case reference, so running this again finds
the same link and creates nothing; it is unguessable without the secret key. Demo only:
real links are random (``public.models.new_token``).
"""

import hashlib
import hmac

from django.conf import settings

from cases.models import Case
from public.models import TrackingLink, token_hash


def demo_token(reference: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"demo-track:{reference}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:43]


def load_demo(stdout) -> None:
    created = 0
    lines = []
    # Every demo case: this runs once at start-up, with no user, outside any request.
    for case in Case.objects.order_by("reference"):
        token = demo_token(case.reference)
        if not TrackingLink.objects.filter(case=case).exists():
            TrackingLink.objects.create(case=case, token_hash=token_hash(token))
            created += 1
        if TrackingLink.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True
        ).exists():
            lines.append(f"  {case.reference}: {settings.SITE_URL}/track/{token}/")
    stdout.write(f"Public: {created} demo tracking links created. Applicant tracking pages:")
    for line in lines[:10]:
        stdout.write(line)
    stdout.write(f"  Apply online at {settings.SITE_URL}/apply/")
