"""Writes for API clients and what their systems send."""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api.constants import TOKEN_PREFIX, ApiPermission
from api.models import ApiCallLog, ApiClient
from partnerships.models import Agency, Area
from thresholds import importing

ADMINISTER = "partnerships.administer_area"


def secret_hash(secret: str) -> str:
    """SHA-256 of the secret. The secret is 256 random bits, so a fast hash is as safe as a
    slow one here and keeps every call cheap (docs/decisions/0007-api-credentials.md)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_admin(by, area: Area) -> None:
    if by is None:  # the command line (manage.py api_client_create, load_demo): an operator
        return
    if not (getattr(by, "is_superuser", False) or by.has_perm(ADMINISTER, area)):
        raise PermissionDenied("Only the area's partnership admin can manage its API clients.")


def api_client_create(
    *,
    area: Area,
    agency: Agency,
    name: str,
    permissions: list[str],
    by,
    secret: str | None = None,
) -> tuple[ApiClient, str]:
    """The area admin gives an agency's system a credential. Returns the client and the
    secret, which is shown this once and stored only as a hash."""
    _require_admin(by, area)
    errors = {}
    if not agency.areas.filter(pk=area.pk).exists():
        errors["agency"] = f"{agency.name} is not one of {area.name}'s agencies."
    if not name.strip():
        errors["name"] = "Enter the name of the system, for example 'Niche RMS'."
    unknown = set(permissions) - set(ApiPermission.values)
    if unknown or not permissions:
        errors["permissions"] = "Choose at least one of the permissions listed."
    if errors:
        raise ValidationError(errors)
    lookup_id = secrets.token_hex(6)
    secret = secret or f"{TOKEN_PREFIX}_{lookup_id}_{secrets.token_urlsafe(32)}"
    lookup_id = secret.split("_")[1]
    client = ApiClient.objects.create(
        area=area,
        agency=agency,
        name=name.strip(),
        lookup_id=lookup_id,
        secret_hash=secret_hash(secret),
        permissions=[p for p in ApiPermission.values if p in permissions],
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    return client, secret


def api_client_revoke(*, client: ApiClient, by) -> ApiClient:
    """The area admin stops a credential working, at once and for good."""
    _require_admin(by, client.area)
    if client.revoked_at is None:
        ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        client.refresh_from_db()
    return client


def api_client_authenticate(secret: str) -> tuple[ApiClient | None, bool]:
    """(the client the secret names, whether the secret is right and still in force)."""
    parts = secret.split("_")
    if "\x00" in secret or len(parts) < 3 or parts[0] != TOKEN_PREFIX:
        return None, False
    client = ApiClient.objects.select_related("agency", "area").filter(lookup_id=parts[1]).first()
    if client is None:
        return None, False
    if not hmac.compare_digest(client.secret_hash, secret_hash(secret)):
        return None, False
    if client.is_revoked:
        return client, False
    now = timezone.now()
    # One write a minute at most, so a busy client does not update its row on every call.
    if client.last_used_at is None or now - client.last_used_at > dt.timedelta(minutes=1):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client, True


def api_call_record(
    *, client, method: str, path: str, status_code: int, ip_address, case=None, detail=None
) -> ApiCallLog:
    """Put one call on the API call log."""
    return ApiCallLog.objects.create(
        client=client,
        method=method[:10],
        path=path.replace("\x00", "\\x00")[:300],  # kept visible, never a database error
        status_code=status_code,
        ip_address=ip_address,
        case=case,
        detail=detail or {},
    )


@dataclass
class SubmitResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[importing.RowError] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


def _as_text(value) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.strip()
    return None


def incidents_submit(
    *, client: ApiClient, rows: list, today: dt.date | None = None
) -> SubmitResult:
    """An agency's system sends incidents from its records: each row is checked by the
    incident import's rules; rows that pass are stored (a reference sent before is
    updated, never duplicated) where the detection jobs find them, rows that fail are not."""
    if not client.has_permission(ApiPermission.SUBMIT_INCIDENTS):
        raise PermissionDenied
    today = today or timezone.localdate()
    result = SubmitResult()
    columns = {name for name, _, _ in importing.COLUMNS}
    prepared = []
    for index, raw in enumerate(rows):
        if not isinstance(raw, dict):
            result.errors.append(
                importing.RowError(index, "", "each incident must be an object of fields")
            )
            continue
        row, bad = {}, False
        for name, value in raw.items():
            if name not in columns:
                result.errors.append(importing.RowError(index, str(name)[:50], "unknown field"))
                bad = True
                continue
            text = _as_text(value)
            if text is None:
                result.errors.append(
                    importing.RowError(index, name, "must be text (or true/false)")
                )
                bad = True
                continue
            row[name] = text
        # The client acts in one area: its rows go there unless they say otherwise.
        if not row.get("area"):
            row["area"] = client.area.slug
        if row["area"] != client.area.slug:
            result.errors.append(
                importing.RowError(
                    index, "area", f"this system submits for {client.area.slug} only"
                )
            )
            bad = True
        if not bad:
            prepared.append((index, row))
    checked, errors = importing.incident_rows_check(
        rows=prepared, agency=client.agency, today=today
    )
    result.errors = sorted(result.errors + errors, key=lambda e: e.row)
    if checked:
        with transaction.atomic():
            stored = importing.incident_rows_store(
                rows=checked, agency=client.agency, by=None, update_existing=True
            )
        result.created, result.updated, result.unchanged = (
            stored.created,
            stored.updated,
            stored.unchanged,
        )
        result.references = [c.reference for c in checked]
    return result
