"""The one way append-only records may be changed: an erasure permit, and its log."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ErasureLog(models.Model):
    """One use of the erasure path: who, why and when. Itself append-only (triggers)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"


class ErasurePermit(models.Model):
    """Exists only inside the transaction of a permitted erasure, never after commit.

    The database triggers on the protected tables allow an UPDATE, DELETE or TRUNCATE
    only while a row exists here. Uncommitted rows are invisible to other connections,
    so a permit never leaks to another session. Each permit points at its log row.
    """

    log = models.OneToOneField(ErasureLog, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Erasure permit for log {self.log_id}"
