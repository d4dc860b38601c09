"""Agency systems that call the API, and the log of every call they make."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from api.constants import ApiPermission
from asbcr.models import AppendOnlyModel


class ApiClient(models.Model):
    """One agency's system (a police records system, a housing management system) with a
    secret credential, acting for that agency in one area. Not a person: it signs in to
    no page and holds no role; what it may do is its named permissions."""

    area = models.ForeignKey("partnerships.Area", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "partnerships.Agency", on_delete=models.PROTECT, related_name="api_clients"
    )
    name = models.CharField(max_length=100, help_text="Which system, e.g. 'Athena RMS'.")
    lookup_id = models.CharField(
        max_length=16, unique=True, help_text="The public part of the secret, for lookup."
    )
    secret_hash = models.CharField(max_length=64, help_text="SHA-256 of the whole secret.")
    permissions = models.JSONField(default=list, help_text="Names from ApiPermission.")
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
        ordering = ["agency__name", "name", "id"]

    def __str__(self):
        return f"{self.name} ({self.agency})"

    # DRF asks the authenticated principal these; a client is authenticated, never staff.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_permission(self, permission: str) -> bool:
        return not self.is_revoked and permission in self.permissions

    @property
    def permission_labels(self) -> list[str]:
        labels = dict(ApiPermission.choices)
        return [labels.get(p, p) for p in self.permissions]


class ApiCallLog(AppendOnlyModel):
    """Every call an agency's system made (or tried to make) with a credential: the API's
    part of the access log, which records people."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    client = models.ForeignKey(
        ApiClient,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        help_text="Empty when the credential was not recognised.",
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True, help_text="Counts, never row contents.")

    class Meta:
        ordering = ["-at", "-id"]
