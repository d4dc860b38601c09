"""Writes for the work app: a person's notification choice, and an agency's response."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asbcr.concurrency import conflict, lock
from cases.constants import InvolvementRole
from cases.services import agency_response_record
from thresholds.constants import View
from thresholds.services import body_view_record
from work.constants import Frequency
from work.models import NotificationPreference
from work.selectors import involvement_for_spoc

LIMITS = {
    "reports_held": 10000,
    "actions_taken": 10000,
    "view_reasons": 5000,
    "risk_known": 5000,
}


def preference_set(*, user, frequency: str, version: int | None = None) -> NotificationPreference:
    """A member of staff chooses an email per piece of work, or one a day."""
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": "Choose how you want to hear about new work"})
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.get_or_create(user=user)
        preference = lock(preference)
        if version is not None and preference.version != version:
            raise conflict(
                what="changed how you hear about new work",
                at=preference.updated_at,
                actor=user,
                by=user,
                version=preference.version,
            )
        NotificationPreference.objects.filter(pk=preference.pk).update(
            frequency=frequency, version=preference.version + 1
        )
        preference.refresh_from_db()
    return preference


def _clean(name: str, value: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({name: "Remove the unprintable character from this answer"})
    if len(value) > LIMITS[name]:
        raise ValidationError({name: f"Keep this to {LIMITS[name]:,} characters or fewer"})
    if not value:
        raise ValidationError({name: "Answer this question"})
    return value


def agency_response_submit(
    *,
    case,
    by,
    reports_held: str,
    actions_taken: str,
    view: str,
    view_reasons: str,
    risk_known: str,
    version: int | None = None,
):
    """A relevant body's SPOC gives its response (CR5) in the system: the reports it
    holds, what it has done, the risk it knows of, and its view on the threshold. The
    response is what the officer sees on the case and the view what the threshold page
    counts. Only a SPOC of a body involved in the case may give it, for their own body."""
    involvement = involvement_for_spoc(user=by, case=case)
    if involvement is None or involvement.role == InvolvementRole.ADMINISTERING:
        raise PermissionDenied("Only a SPOC of a body asked on this case can give its response.")
    values = {
        "reports_held": reports_held,
        "actions_taken": actions_taken,
        "view_reasons": view_reasons,
        "risk_known": risk_known,
    }
    errors = {}
    for name, value in values.items():
        try:
            values[name] = _clean(name, value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if view not in View.values:
        errors["view"] = ["Choose met, not met or abstain"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        recorded = agency_response_record(
            case=case,
            agency=involvement.agency,
            by=by,
            reports_held=values["reports_held"],
            actions_taken=values["actions_taken"],
            risk_known=values["risk_known"],
            version=version,
        )
        body_view_record(
            case=case,
            agency=involvement.agency,
            by=by,
            view=view,
            reasons=values["view_reasons"],
        )
    return recorded
