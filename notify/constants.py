from django.db import models


class DeliveryKind(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    LETTER = "letter", "Letter"


class DeliveryStatus(models.TextChoices):
    """Notify's statuses (its API documentation), in our words."""

    SENDING = "sending", "Sent to Notify"  # our own first state: Notify has accepted it
    CREATED = "created", "Notify is preparing it"
    PENDING = "pending", "Waiting for the phone network"
    SENT = "sent", "Sent abroad (no receipt)"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Not delivered: address or number does not exist"
    TEMPORARY_FAILURE = "temporary-failure", "Not delivered: inbox full or phone off"
    TECHNICAL_FAILURE = "technical-failure", "Not delivered: a fault at Notify"
    ACCEPTED = "accepted", "Letter being printed"
    RECEIVED = "received", "Letter posted"
    CANCELLED = "cancelled", "Letter cancelled"
    PENDING_VIRUS_CHECK = "pending-virus-check", "Letter being checked"
    VIRUS_SCAN_FAILED = "virus-scan-failed", "Letter refused: failed the virus check"
    VALIDATION_FAILED = "validation-failed", "Letter refused: outside Notify's letter rules"


FINAL_STATUSES = frozenset(
    {
        DeliveryStatus.DELIVERED,
        DeliveryStatus.PERMANENT_FAILURE,
        DeliveryStatus.TEMPORARY_FAILURE,
        DeliveryStatus.TECHNICAL_FAILURE,
        DeliveryStatus.RECEIVED,
        DeliveryStatus.CANCELLED,
        DeliveryStatus.VIRUS_SCAN_FAILED,
        DeliveryStatus.VALIDATION_FAILED,
        DeliveryStatus.SENT,
    }
)
"""Statuses after which Notify sends no more news; a late, older callback cannot undo one."""
