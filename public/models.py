"""Server-side drafts of online applications, and the applicant's private tracking links.

Neither holds a usable secret: tokens are given to the applicant once (by email or on
the confirmation page) and only their SHA-256 is stored, so a copy of the database
cannot be used to open anyone's draft or tracking page.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_token() -> str:
    """An unguessable URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class DraftApplication(models.Model):
    """An online application in progress, page by page, until it is sent or expires."""

    resume_token_hash = models.CharField(max_length=64, unique=True)
    area = models.ForeignKey("partnerships.Area", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True, help_text="Answers, by page.")
    ip_hash = models.CharField(
        max_length=64, db_index=True, help_text="Keyed hash of the client address (rate limit)."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Draft {self.pk} for {self.area}"

    @property
    def is_live(self) -> bool:
        return self.submitted_at is None and self.expires_at > timezone.now()


class TrackingLink(models.Model):
    """The applicant's private link to follow a case. One is live at a time."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tracking_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Tracking link for {self.case}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class AppealRequest(models.Model):
    """An applicant's request for an appeal made on the tracking page.

    Kept here so the request is never lost while the appeals app has no
    ``appeals.services.appeal_lodge``; when it has, the request is also lodged there
    and ``lodged_appeal_id`` records the result.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    grounds = models.JSONField(default=list, help_text="Keys from the procedure's appeal.grounds.")
    details = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    lodged_appeal_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Appeal request on {self.case}"
