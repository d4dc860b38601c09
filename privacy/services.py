"""Writes for subject access and rectification. Views call these; each one checks the
acting user's permission in the area and records itself on the access log or timeline."""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from asbcr.calendar import calendar_for_area
from cases.constants import AccessKind, EventKind
from cases.models import Case, Person

# A person's details change in one place, the hub's (the public tracking page uses it too).
from cases.people import (  # noqa: E402,F401 (re-exported: privacy's views and tests use these)
    STALE_MESSAGE,
    StaleRecord,
    person_cases,
    person_changes_record,
    person_version,
)
from cases.services import access_log_record
from partnerships.models import Area
from privacy import export, matching, selectors
from privacy.constants import RECTIFIABLE_FIELDS, RequesterKind
from privacy.models import SubjectAccessRequest

FIELD_LIMITS = {
    "requester_name": 200,
    "requester_contact": 1000,
    "subject_name": 200,
    "subject_email": 200,
    "subject_phone": 50,
    "subject_postcode": 10,
    "notes": 5000,
}


def _check_text(errors: dict, name: str, value: str, label: str) -> None:
    if "\x00" in value:
        errors.setdefault(name, []).append(
            f"{label} contains a character that cannot be stored (a null character): "
            "remove it and try again."
        )
    limit = FIELD_LIMITS.get(name)
    if limit and len(value) > limit:
        errors.setdefault(name, []).append(
            f"{label} must be {limit} characters or fewer (you typed {len(value):,})."
        )


def sar_due_on(*, area: Area, received_on: dt.date) -> dt.date:
    """One calendar month after receipt (UK GDPR Art. 12(3)): the same date next month, the
    month's last day if there is none, moved to the next working day if the office is shut."""
    return calendar_for_area(area).due(received_on, 1, "months")


@dataclass
class SarInput:
    requester_name: str
    received_on: dt.date
    requester_kind: str = RequesterKind.SUBJECT
    requester_contact: str = ""
    identity_checked: bool = False
    subject_name: str = ""
    subject_email: str = ""
    subject_phone: str = ""
    subject_postcode: str = ""
    notes: str = ""


LABELS = {
    "requester_name": "Who asked",
    "requester_contact": "Where to reply",
    "subject_name": "Name",
    "subject_email": "Email address",
    "subject_phone": "Phone number",
    "subject_postcode": "Postcode",
    "notes": "Notes",
}


def _validate_sar(data: SarInput) -> None:
    errors: dict[str, list[str]] = {}
    for name, label in LABELS.items():
        _check_text(errors, name, getattr(data, name) or "", label)
    if not data.requester_name.strip():
        errors.setdefault("requester_name", []).append("Enter the name of the person who asked.")
    if data.received_on > timezone.localdate():
        errors.setdefault("received_on", []).append("The date received cannot be in the future.")
    criteria = matching.Criteria.from_details(
        name=data.subject_name,
        email=data.subject_email,
        phone=data.subject_phone,
        postcode=data.subject_postcode,
    )
    if not errors and criteria.is_empty():
        errors.setdefault("subject_name", []).append(
            "Enter at least one of the person's name, email address, phone number or postcode."
        )
    if data.subject_phone.strip() and len(criteria.phone) < 6 and "subject_phone" not in errors:
        errors.setdefault("subject_phone", []).append(
            "Enter a phone number with at least 6 digits, like 01707 357000."
        )
    if errors:
        raise ValidationError(errors)


def sar_open(*, by, area: Area, data: SarInput) -> SubjectAccessRequest:
    """Record a subject access request received by the partnership; it is due in one month."""
    if not (by.is_superuser or by.has_perm("privacy.handle_subject_access", area)):
        raise PermissionDenied("Only the area's partnership admin handles subject access requests.")
    _validate_sar(data)
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            area=area,
            due_on=sar_due_on(area=area, received_on=data.received_on),
            created_by=by,
            **{k: (v.strip() if isinstance(v, str) else v) for k, v in data.__dict__.items()},
        )
        access_log_record(
            user=by,
            kind=AccessKind.VIEW_DOCUMENT,
            area=area,
            target=f"Subject access request {sar.reference} recorded",
            query=selectors.sar_criteria(sar).describe(),
        )
    return sar


def _check_handles(sar: SubjectAccessRequest, by) -> None:
    if not (by.is_superuser or by.has_perm("privacy.handle_subject_access", sar.area)):
        raise PermissionDenied("Only the area's partnership admin handles subject access requests.")


def sar_search(*, sar: SubjectAccessRequest, by) -> list[selectors.Match]:
    """Find every record in the request's area about the person, each with why it matched."""
    _check_handles(sar, by)
    matches = selectors.sar_matches(area=sar.area, criteria=selectors.sar_criteria(sar))
    access_log_record(
        user=by,
        kind=AccessKind.SEARCH,
        area=sar.area,
        target=f"Subject access request {sar.reference}: {len(matches)} records matched",
        query=selectors.sar_criteria(sar).describe(),
    )
    return matches


def _transition(sar: SubjectAccessRequest, name: str, by, **fields) -> SubjectAccessRequest:
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
        method = getattr(locked, name)
        meta = method._django_fsm
        if not meta.has_transition(locked.status):
            raise ValidationError(
                f"That cannot be done while the request is ‘{locked.get_status_display()}’."
            )
        if not (by.is_superuser or meta.has_transition_perm(locked, locked.status, by)):
            raise PermissionDenied
        for key, value in fields.items():
            setattr(locked, key, value)
        method()
        try:
            locked.save()
        except ConcurrentTransition as exc:
            raise StaleRecord("Someone else changed this request; look at it again.") from exc
    return locked


def sar_confirm(*, sar: SubjectAccessRequest, by, keys: list[str]) -> SubjectAccessRequest:
    """The officer confirms which of the matches are this person (only those are exported)."""
    _check_handles(sar, by)
    found = {
        m.key for m in selectors.sar_matches(area=sar.area, criteria=selectors.sar_criteria(sar))
    }
    chosen = [k for k in dict.fromkeys(keys) if k in found]
    if not chosen:
        raise ValidationError({"matches": "Choose at least one record that is about this person."})
    return _transition(sar, "confirm", by, confirmed_matches=chosen, confirmed_by=by)


def sar_close(*, sar: SubjectAccessRequest, by, reason: str) -> SubjectAccessRequest:
    """Close the request: the reply was sent, or it was withdrawn or refused (with a reason)."""
    _check_handles(sar, by)
    errors: dict = {}
    _check_text(errors, "notes", reason, "The reason")
    if not reason.strip():
        errors.setdefault("reason", []).append("Say why the request is closed.")
    if errors:
        raise ValidationError({"reason": [m for ms in errors.values() for m in ms]})
    return _transition(sar, "close", by, closed_reason=reason.strip())


def confirmed_matches(sar: SubjectAccessRequest) -> list[selectors.Match]:
    """The confirmed matches that still match today (a record since changed drops out)."""
    confirmed = set(sar.confirmed_matches or [])
    matches = selectors.sar_matches(area=sar.area, criteria=selectors.sar_criteria(sar))
    return [m for m in matches if m.key in confirmed]


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def sar_export(*, sar: SubjectAccessRequest, by, fmt: str) -> ExportFile:
    """Export the confirmed records as one PDF or one JSON file, with the exemptions applied."""
    _check_handles(sar, by)
    if fmt not in ("pdf", "json"):
        raise ValidationError("Choose PDF or JSON.")
    if not sar.confirmed_matches:
        raise ValidationError("Confirm which records are about this person before exporting.")
    data = export.export_data(sar=sar, matches=confirmed_matches(sar))
    if fmt == "pdf":
        content, content_type = export.render_pdf(data), "application/pdf"
    else:
        content, content_type = export.render_json(data), "application/json"
    with transaction.atomic():
        _transition(sar, "export", by, exported_at=timezone.now())
        access_log_record(
            user=by,
            kind=AccessKind.EXPORT,
            area=sar.area,
            target=(
                f"Subject access request {sar.reference} exported as {fmt.upper()} "
                f"({len(data['records'])} records, sha256 {hashlib.sha256(content).hexdigest()[:16]})"
            ),
            query=selectors.sar_criteria(sar).describe(),
        )
    return ExportFile(filename=f"{sar.reference}.{fmt}", content_type=content_type, content=content)


# -- rectification -----------------------------------------------------------------


def _validate_changes(changes: dict, reason: str) -> dict:
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be corrected here: {', '.join(sorted(unknown))}.")
    clean = {}
    limits = {
        "name": 200,
        "organisation_contact": 200,
        "address": 1000,
        "postcode": 10,
        "phone": 50,
        "email": 254,
    }
    for name, value in changes.items():
        # Browsers send a textarea's lines ending "\r\n"; stored text ends them "\n".
        value = (value or "").replace("\r\n", "\n").strip()
        label = RECTIFIABLE_FIELDS[name]
        if "\x00" in value:
            errors.setdefault(name, []).append(
                f"{label} contains a null character, which cannot be stored: remove it."
            )
        elif len(value) > limits[name]:
            errors.setdefault(name, []).append(
                f"{label} must be {limits[name]} characters or fewer (you typed {len(value):,})."
            )
        elif name == "name" and not value:
            errors.setdefault(name, []).append("Enter the corrected name.")
        elif name == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                errors.setdefault(name, []).append(
                    "Enter an email address in the correct format, like name@example.com."
                )
        clean[name] = value
    if not reason.strip():
        errors.setdefault("reason", []).append(
            "Say why the details are being corrected (for example, the person asked)."
        )
    elif "\x00" in reason or len(reason) > 5000:
        errors.setdefault("reason", []).append(
            "The reason must be 5,000 characters or fewer, without null characters."
        )
    if errors:
        raise ValidationError(errors)
    return clean


def person_rectify(
    *, person: Person, by, changes: dict, reason: str, expected_version: str | None = None
) -> Person:
    """Correct a person's name or contact details (UK GDPR Art. 16) as a recorded change:
    each case they are on gets a timeline entry with the values before and after."""
    clean = _validate_changes(changes, reason)
    cases = person_cases(person)
    if not by.is_superuser and (
        not cases or not all(by.has_perm("cases.manage_case", case) for case in cases)
    ):
        raise PermissionDenied(
            "Only a case officer or partnership admin on every case this person is on can "
            "correct their details."
        )
    return person_changes_record(
        person=person,
        by=by,
        changes=clean,
        reason=reason.strip(),
        expected_version=expected_version or person_version(person),
        cases=cases,
    )


def rectification_history(person: Person, *, case: Case | None = None):
    """The recorded corrections to a person's details, oldest first (one case's copy: each
    correction is written to every case the person was on at the time)."""
    from cases.models import TimelineEvent

    if case is None:
        cases = person_cases(person)
        if not cases:
            return TimelineEvent.objects.none()
        case = cases[0]
    return (
        TimelineEvent.objects.filter(
            case=case, kind=EventKind.RECTIFICATION, detail__person_id=person.pk
        )
        .select_related("actor")
        .order_by("at", "id")
    )
