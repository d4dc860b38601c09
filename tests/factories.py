"""Factories for partnerships and cases. Other apps keep theirs in tests/<app>/factories.py."""

import datetime as dt

import factory
from django.utils import timezone

from cases import services
from cases.constants import ApplicantType, Channel
from cases.services import ApplicationInput, IncidentInput, PersonInput


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


class PersonInputFactory(factory.Factory):
    class Meta:
        model = PersonInput

    name = factory.Faker("name", locale="en_GB")
    address = factory.Faker("street_address", locale="en_GB")
    postcode = "WD6 1AA"
    email = factory.Sequence(lambda n: f"victim{n}@example.org")
    phone = "01234 567890"
    preferred_contact = "email"


class IncidentInputFactory(factory.Factory):
    class Meta:
        model = IncidentInput

    incident_date = factory.Sequence(lambda n: days_ago(60 - (n % 5) * 10))
    reported_date = factory.LazyAttribute(lambda o: o.incident_date + dt.timedelta(days=1))
    description = "Loud music and shouting late at night"
    issue = "noise"


def application(*, n_incidents=3, received_on=None, **overrides) -> ApplicationInput:
    """A valid application from the victim, with three qualifying incidents by default."""
    received_on = received_on or timezone.localdate()
    incidents = [
        IncidentInputFactory(
            incident_date=received_on - dt.timedelta(days=60 - i * 15),
            reported_date=received_on - dt.timedelta(days=59 - i * 15),
        )
        for i in range(n_incidents)
    ]
    values = {
        "channel": Channel.PHONE,
        "received_on": received_on,
        "applicant_type": ApplicantType.VICTIM,
        "applicant": PersonInputFactory(),
        "summary": "Neighbours play loud music every night and shout abuse.",
        "incidents": incidents,
    }
    values.update(overrides)
    return ApplicationInput(**values)


def receive_case(*, area, by, **overrides):
    return services.case_receive(by=by, area=area, data=application(**overrides))
