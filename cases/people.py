"""A person's details on the cases they are on: the one way they change, recorded on the
timeline of every such case with the values before and after (UK GDPR Art. 16). Used by
the privacy app's rectification pages and by the applicant's own tracking page."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from cases.constants import RECTIFIABLE_FIELDS, EventKind
from cases.models import Case, Person
from cases.services import timeline_record

STALE_MESSAGE = (
    "Someone else changed this person's details while you were working on them. "
    "Nothing has been saved: check the details as they are now, then try again."
)


class StaleRecord(Exception):
    """The record changed since the user loaded it."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)
        self.message = message


def person_cases(person: Person) -> list[Case]:
    """Every case the person is on: as applicant, victim or complainant in an incident."""
    return list(
        Case.objects.filter(
            Q(applicant=person) | Q(victim=person) | Q(incidents__complainant=person)
        )
        .distinct()
        .select_related("area")
        .order_by("id")
    )


def person_version(person: Person) -> str:
    """A fingerprint of the correctable details as loaded (the form's version check)."""
    raw = "\x1f".join(str(getattr(person, f) or "") for f in RECTIFIABLE_FIELDS)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def person_changes_record(
    *,
    person: Person,
    by,
    changes: dict,
    reason: str,
    expected_version: str | None = None,
    cases: list[Case] | None = None,
    summary: str = "",
    visible_to_applicant: bool = False,
) -> Person:
    """Change a person's details under a row lock and write the values before and after
    to the timeline of every case they are on (the one way their details change)."""
    cases = person_cases(person) if cases is None else cases
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if expected_version is not None and person_version(locked) != expected_version:
            raise StaleRecord()
        diff = {
            name: {"before": getattr(locked, name), "after": value}
            for name, value in changes.items()
            if getattr(locked, name) != value
        }
        if not diff:
            raise ValidationError("Nothing has changed: correct at least one detail.")
        for name, change in diff.items():
            setattr(locked, name, change["after"])
        locked.save(update_fields=[*diff, "updated_at"])
        for name in [*diff, "updated_at"]:  # the caller's copy is current too
            setattr(person, name, getattr(locked, name))
        labels = ", ".join(RECTIFIABLE_FIELDS.get(n, n.replace("_", " ")).lower() for n in diff)
        for case in cases:
            timeline_record(
                case=case,
                kind=EventKind.RECTIFICATION,
                summary=summary or f"Personal details corrected: {labels}",
                by=by,
                reason=reason,
                detail={"person_id": locked.pk, "changes": diff, "reason": reason},
                visible_to_applicant=visible_to_applicant,
            )
    return locked
