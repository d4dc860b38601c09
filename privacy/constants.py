from django.db import models


class SarStatus(models.TextChoices):
    """Where a subject access request has got to."""

    RECEIVED = "received", "Received"
    CONFIRMED = "confirmed", "Matches confirmed"
    EXPORTED = "exported", "Exported"
    CLOSED = "closed", "Closed"


class RequesterKind(models.TextChoices):
    SUBJECT = "subject", "The person themselves"
    REPRESENTATIVE = "representative", "Someone acting for them (with their authority)"


POLICE_NOTE = (
    "Police information: for the force's data protection officer to decide before disclosure"
)
"""Printed on every exported record a police force provided (UK GDPR Art. 23 / DPA 2018
Sch. 2 para. 2: the force decides whether disclosure would prejudice policing)."""

REDACTED = "[another person]"
"""What replaces another person's name or contact details in an export."""

from cases.constants import RECTIFIABLE_FIELDS  # noqa: E402,F401 (the hub owns the person)
