"""A demo subject access request in Hertsmere (used by ``manage.py load_demo``).

Idempotent: left alone if the area already has a request. The demo victims of one area
share a phone number, so the request searches on name and email only.
"""

import datetime as dt

from django.utils import timezone

from partnerships.models import Area, User
from privacy import services
from privacy.models import SubjectAccessRequest

DEMO_SUBJECT = {"name": "Dora Kowalski", "email": "dora@example.org"}


def load_demo(stdout) -> None:
    area = Area.objects.filter(slug="hertsmere").first()
    admin = User.objects.filter(username="hertsmere.admin").first()
    if area is None or admin is None or SubjectAccessRequest.objects.filter(area=area).exists():
        return
    services.sar_open(
        by=admin,
        area=area,
        data=services.SarInput(
            requester_name=DEMO_SUBJECT["name"],
            requester_contact=DEMO_SUBJECT["email"],
            received_on=timezone.localdate() - dt.timedelta(days=3),
            identity_checked=True,
            subject_name=DEMO_SUBJECT["name"],
            subject_email=DEMO_SUBJECT["email"],
            notes="Asked by email for a copy of everything held about her.",
        ),
    )
    stdout.write("Demo subject access request: 1 created.")
