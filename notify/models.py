"""What was handed to GOV.UK Notify, and what Notify has said about it since.

A ``Delivery`` belongs to the letter (``letters.Letter``, append-only, so its delivery
status lives here, one row per letter) or to the outbox message
(``deadlines.Notification``) it delivered. Notify's callbacks update its status.
"""

from django.db import models

from asbcr.models import TimeStampedModel
from notify.constants import DeliveryKind, DeliveryStatus


class Delivery(TimeStampedModel):
    """One message or letter handed to Notify, and its latest delivery status."""

    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    reference = models.CharField(max_length=100, unique=True, help_text="Ours, sent to Notify.")
    notify_id = models.UUIDField(unique=True, help_text="Notify's id for the notification.")
    letter = models.OneToOneField(
        "letters.Letter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notify_delivery",
    )
    notification = models.OneToOneField(
        "deadlines.Notification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notify_delivery",
    )
    status = models.CharField(
        max_length=30, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    status_at = models.DateTimeField(
        null=True, blank=True, help_text="When Notify says it happened."
    )
    callbacks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(letter__isnull=True) | models.Q(notification__isnull=True),
                name="notify_delivery_of_one_thing",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}: {self.get_status_display()}"
