"""Each person's choice of immediate emails or a daily digest, and the digest's items."""

from django.conf import settings
from django.db import models

from asbcr.models import TimeStampedModel
from work.constants import Frequency, WorkKind


class NotificationPreference(TimeStampedModel):
    """How one member of staff hears about new work (immediate unless they choose)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    version = models.PositiveIntegerField(
        default=0,
        help_text="Goes up on every change: a form loaded at an older version is refused.",
    )

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class DigestItem(TimeStampedModel):
    """One piece of new work held for a person's daily digest.

    ``key`` is the same natural key the immediate email would have had, so a piece of
    work is told once whichever way the person chose. ``digest_key`` is the outbox key
    of the digest that carried it (empty until then).
    """

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=30, choices=WorkKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_items"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    summary = models.CharField(max_length=300)
    link = models.CharField(max_length=500)
    digest_key = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["digest_key", "user"])]

    def __str__(self):
        return self.summary
