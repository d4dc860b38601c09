"""Receiving an application: validated, referenced, its incidents and involved agencies."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from asbcr.concurrency import DOUBLE_SUBMIT_WINDOW, ConflictError, conflict, conflict_message, lock
from asbcr.templatetags.words import long_date
from cases import hooks
from cases.constants import (
    ApplicantType,
    Channel,
    EventKind,
    IncidentKind,
    IncidentSource,
    InvolvementRole,
)
from cases.models import (
    Case,
    CaseAgency,
    Incident,
    Perpetrator,
    Person,
    TimelineEvent,
)
from cases.services.common import CaseWorkflowError
from cases.services.records import timeline_record
from partnerships.models import Agency, Area, ProcedureVersion
from partnerships.selectors import agency_choosable_check


@dataclass
class IncidentInput:
    incident_date: dt.date
    description: str
    reported_date: dt.date | None = None
    reported_to: Agency | None = None
    agency_reference: str = ""
    hate_motivated: bool = False
    kind: str = IncidentKind.REPORT
    issue: str = ""
    location: str = ""
    postcode: str = ""
    building: str = ""
    uprn: str = ""


@dataclass
class PersonInput:
    name: str
    kind: str = "person"
    organisation_contact: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    preferred_contact: str = "email"
    date_of_birth: dt.date | None = None
    accessibility_needs: str = ""
    language: str = ""
    health_vulnerability: bool = False
    vulnerability_notes: str = ""


@dataclass
class ApplicationInput:
    channel: str
    received_on: dt.date
    applicant_type: str
    applicant: PersonInput
    summary: str
    incidents: list[IncidentInput]
    victim: PersonInput | None = None
    relationship: str = ""
    victim_consent: bool | None = None
    consent_missing_reason: str = ""
    impact: str = ""
    wants_to_attend: bool | None = None
    wants_to_send_statement: bool | None = None
    forwarded_by_agency: Agency | None = None
    forwarding_agency_received_on: dt.date | None = None
    forwarded_on: dt.date | None = None
    perpetrators: list[dict] = field(default_factory=list)


def validate_application(data: ApplicationInput, *, today: dt.date | None = None) -> None:
    """Business rules for any application, whatever the channel. Raises ValidationError."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if data.received_on > today:
        add("received_on", "The date received cannot be in the future.")
    if not data.incidents:
        add("incidents", "Add at least one incident: a case review is about incidents of ASB.")
    for i, incident in enumerate(data.incidents, start=1):
        if incident.incident_date > today:
            add("incidents", f"Incident {i}: the date it happened cannot be in the future.")
        if incident.reported_date and incident.reported_date < incident.incident_date:
            add("incidents", f"Incident {i}: it cannot have been reported before it happened.")
        if incident.reported_date and incident.reported_date > today:
            add("incidents", f"Incident {i}: the date it was reported cannot be in the future.")
    if data.applicant_type == ApplicantType.THIRD_PARTY:
        if data.victim is None:
            add("victim", "Give the victim's details.")
        if not data.relationship:
            add("relationship", "Say how the applicant knows the victim.")
        if data.victim_consent is not True and not data.consent_missing_reason.strip():
            add(
                "victim_consent",
                "Record the victim's consent, or the reason it could not be obtained.",
            )
    if data.channel == Channel.OTHER_BODY:
        if data.forwarded_by_agency is None:
            add("forwarded_by_agency", "Say which body passed the application on.")
        if (
            data.forwarding_agency_received_on
            and data.forwarded_on
            and data.forwarded_on < data.forwarding_agency_received_on
        ):
            add("forwarded_on", "It cannot have been passed on before that body received it.")
    if errors:
        raise ValidationError(errors)


def _next_reference(area: Area, year: int) -> str:
    prefix = f"{area.reference_prefix}-{year}-"
    last = (
        Case.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _person(data: PersonInput) -> Person:
    return Person.objects.create(**data.__dict__)


def case_receive(*, by, area: Area, data: ApplicationInput) -> Case:
    """Record an application on any channel; it pins the area's current procedure version."""
    validate_application(data)
    agency_choosable_check(area=area, agency=data.forwarded_by_agency, field="forwarded_by_agency")
    for incident in data.incidents:
        agency_choosable_check(area=area, agency=incident.reported_to, field="incidents")
    with transaction.atomic():
        applicant = _person(data.applicant)
        victim = (
            applicant
            if data.applicant_type == ApplicantType.VICTIM or data.victim is None
            else _person(data.victim)
        )
        version = ProcedureVersion.objects.filter(procedure_id=area.procedure_id).latest("number")
        case = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        reference=_next_reference(area, data.received_on.year),
                        area=area,
                        procedure_version=version,
                        channel=data.channel,
                        received_on=data.received_on,
                        received_by=by if getattr(by, "is_authenticated", False) else None,
                        forwarded_by_agency=data.forwarded_by_agency,
                        forwarding_agency_received_on=data.forwarding_agency_received_on,
                        forwarded_on=data.forwarded_on,
                        applicant_type=data.applicant_type,
                        applicant=applicant,
                        victim=victim,
                        relationship=data.relationship,
                        victim_consent=data.victim_consent,
                        consent_missing_reason=data.consent_missing_reason,
                        summary=data.summary,
                        impact=data.impact,
                        wants_to_attend=data.wants_to_attend,
                        wants_to_send_statement=data.wants_to_send_statement,
                    )
                break
            except IntegrityError:
                continue
        if case is None:
            raise CaseWorkflowError("Could not allocate a case reference; try again.")
        if area.administering_agency_id:
            CaseAgency.objects.create(
                case=case, agency=area.administering_agency, role=InvolvementRole.ADMINISTERING
            )
        for incident in data.incidents:
            _incident_create(case=case, by=by, source=_source_for(data.channel), data=incident)
        for perpetrator in data.perpetrators:
            Perpetrator.objects.create(case=case, **perpetrator)
        timeline_record(
            case=case,
            kind=EventKind.RECEIVED,
            summary=f"Application received ({case.get_channel_display()})",
            by=by,
            to_state=case.state,
            detail={"procedure_version": version.number, "channel": case.channel},
            visible_to_applicant=True,
        )
        hooks.run_after_transition(case, "receive", by)
    return case


def _source_for(channel: str) -> str:
    return IncidentSource.APPLICATION


def _incident_create(*, case: Case, by, source: str, data: IncidentInput) -> Incident:
    incident = Incident.objects.create(
        area=case.area,
        case=case,
        source=source,
        complainant=case.victim,
        complainant_key=f"person:{case.victim_id}",
        created_by=by if getattr(by, "is_authenticated", False) else None,
        **data.__dict__,
    )
    if incident.reported_to_id:
        case_involve_agency(case=case, agency=incident.reported_to, by=by, quiet=True)
    return incident


def incident_add(*, case: Case, by, data: IncidentInput) -> Incident:
    """Staff record a further incident on a case."""
    today = timezone.localdate()
    errors = {}
    if data.incident_date > today:
        errors["incident_date"] = "The date it happened cannot be in the future."
    if data.reported_date and data.reported_date < data.incident_date:
        errors["reported_date"] = "It cannot have been reported before it happened."
    if data.reported_date and data.reported_date > today:
        errors["reported_date"] = "The date it was reported cannot be in the future."
    if errors:
        raise ValidationError(errors)
    agency_choosable_check(case=case, agency=data.reported_to, field="reported_to")
    with transaction.atomic():
        # A double click records the incident once: a second copy would count twice
        # towards the threshold.
        Case.objects.select_for_update().get(pk=case.pk)
        same = (
            Incident.objects.filter(
                case=case,
                source=IncidentSource.STAFF,
                **data.__dict__,
                created_by=by if getattr(by, "is_authenticated", False) else None,
                created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
            )
            .order_by("-created_at")
            .first()
        )
        if same is not None:
            raise ConflictError(
                conflict_message(what="recorded this incident", at=same.created_at, actor=by, by=by)
            )
        incident = _incident_create(case=case, by=by, source=IncidentSource.STAFF, data=data)
        timeline_record(
            case=case,
            kind=EventKind.INCIDENT,
            summary=f"Incident of {long_date(data.incident_date)} recorded",
            by=by,
            detail={"incident_id": incident.pk},
        )
    return incident


def incident_link_duplicate(*, incident: Incident, same_as: Incident, by) -> Incident:
    """Staff confirm two reports are the same incident, so it counts once."""
    if incident.pk == same_as.pk:
        raise ValidationError({"same_incident_as": "An incident cannot duplicate itself."})
    if same_as.same_incident_as_id == incident.pk:
        raise ValidationError({"same_incident_as": "These are already linked the other way."})
    Incident.objects.filter(pk=incident.pk).update(same_incident_as=same_as)
    incident.refresh_from_db()
    if incident.case_id:
        timeline_record(
            case=incident.case,
            kind=EventKind.INCIDENT,
            summary="Two reports linked as the same incident",
            by=by,
            detail={"incident_id": incident.pk, "same_as": same_as.pk},
        )
    return incident


def case_involve_agency(
    *, case: Case, agency: Agency, by, role: str = InvolvementRole.RELEVANT_BODY, quiet=False
) -> CaseAgency:
    """Add an agency to the case's circle (its staff can then see the case)."""
    involvement, created = CaseAgency.objects.get_or_create(
        case=case, agency=agency, defaults={"role": role}
    )
    if created and not quiet:
        timeline_record(case=case, kind=EventKind.AGENCY, summary=f"{agency.name} involved", by=by)
    return involvement


RESPONSE_RECEIVED = "Response received from "


def agency_responses_version(case: Case) -> int:
    """How many agency responses the case has had: the response form's version."""
    return TimelineEvent.objects.filter(
        case_id=case.pk, kind=EventKind.AGENCY, summary__startswith=RESPONSE_RECEIVED
    ).count()


def agency_response_record(
    *,
    case: Case,
    agency: Agency,
    by,
    reports_held: str,
    actions_taken: str,
    risk_known: str = "",
    version: int | None = None,
) -> CaseAgency:
    """A relevant body returns its response (CR5): the reports it holds, actions taken.

    ``version`` is ``agency_responses_version`` as the page showed it: if this agency's
    response was recorded since (another SPOC, or a double click), nothing is overwritten
    and the caller is told who recorded it and when. Other agencies' responses recorded
    meanwhile do not refuse it."""
    if not (
        by.is_superuser
        or (by.agency_id == agency.pk and by.has_perm("cases.respond_for_agency", case))
        or by.has_perm("cases.manage_case", case)
    ):
        raise PermissionDenied("Only the body's SPOC or the case officer can record its response.")
    agency_choosable_check(case=case, agency=agency, field="agency")
    with transaction.atomic():
        lock(case)  # responses to one case are recorded one at a time, in order
        if version is not None:
            responses = list(
                TimelineEvent.objects.filter(
                    case_id=case.pk, kind=EventKind.AGENCY, summary__startswith=RESPONSE_RECEIVED
                )
                .select_related("actor")
                .order_by("id")
            )
            since = [e for e in responses[version:] if e.detail.get("agency") == agency.slug]
            if since:
                raise conflict(
                    what=f"recorded {agency.name}'s response",
                    at=since[-1].at,
                    actor=since[-1].actor,
                    by=by,
                    version=len(responses),
                )
        involvement = case_involve_agency(case=case, agency=agency, by=by)
        involvement.reports_held = reports_held
        involvement.actions_taken = actions_taken
        involvement.risk_known = risk_known
        involvement.response_received_on = timezone.localdate()
        involvement.responded_by = by
        involvement.save()
        timeline_record(
            case=case,
            kind=EventKind.AGENCY,
            summary=f"{RESPONSE_RECEIVED}{agency.name}",
            by=by,
            detail={"agency": agency.slug},
        )
        hooks.run_after_transition(case, f"agency_response:{agency.slug}", by)
    return involvement
