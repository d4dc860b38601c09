"""Evidence files: checked by content and attached to the case."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asbcr.files import EVIDENCE_KINDS, check_upload
from cases.constants import (
    EventKind,
)
from cases.models import (
    Case,
    EvidenceFile,
    Incident,
)
from cases.services.records import timeline_record


def _checked(upload, *, kinds, field: str):
    """The upload's check result, checking it here if no form did (one rule for all)."""
    if not upload:
        return None
    checked = getattr(upload, "checked", None)
    if checked is not None:
        return checked
    try:
        return check_upload(upload, kinds=kinds)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def evidence_attach(
    *, case: Case, by, upload, description: str, incident: Incident | None = None
) -> EvidenceFile:
    """Staff attach a file to a case or one of its incidents (a photograph, a diary sheet,
    a letter from another body); it is checked like every upload and goes on the timeline."""
    if not (
        by.is_superuser
        or by.has_perm("cases.manage_case", case)
        or by.has_perm("cases.respond_for_agency", case)
    ):
        raise PermissionDenied("Only the case officer or an involved body can attach evidence.")
    errors = {}
    if not (description or "").strip():
        errors["description"] = "Say what the file is, for example 'Photo of the damaged door'."
    if upload is None:
        errors["file"] = "Choose a file to attach."
    if incident is not None and incident.case_id != case.pk:
        errors["incident"] = "Choose an incident on this case."
    if errors:
        raise ValidationError(errors)
    checked = _checked(upload, kinds=EVIDENCE_KINDS, field="file")
    with transaction.atomic():
        evidence = EvidenceFile.objects.create(
            case=case,
            incident=incident,
            file=upload,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            description=description.strip()[:500],
            uploaded_by=by,
        )
        on_incident = f" for the incident of {incident.incident_date:%-d %B %Y}" if incident else ""
        timeline_record(
            case=case,
            kind=EventKind.DOCUMENT,
            summary=f"Evidence attached{on_incident}: {evidence.description}",
            by=by,
            detail={"evidence_file_id": evidence.pk, "sha256": checked.sha256},
        )
    return evidence
