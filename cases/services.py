"""Writes for the case workflow. Views, forms, commands and tasks call these."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import ConcurrentTransition

from asbcr.concurrency import DOUBLE_SUBMIT_WINDOW, ConflictError, conflict, conflict_message, lock
from asbcr.files import EVIDENCE_KINDS, STATEMENT_KINDS, check_upload
from asbcr.templatetags.words import long_date
from cases import hooks, risk
from cases.constants import (
    DETAIL_LABELS,
    TRANSITION_SUMMARIES,
    ApplicantType,
    Channel,
    EventKind,
    IncidentKind,
    IncidentSource,
    InvolvementRole,
    RiskLevel,
    RiskSubject,
)
from cases.models import (
    AccessLogEntry,
    Case,
    CaseAgency,
    EvidenceFile,
    ExclusionCheck,
    Incident,
    Perpetrator,
    Person,
    RiskAssessment,
    TimelineEvent,
)
from partnerships.constants import PickPurpose
from partnerships.models import Agency, Area, ProcedureVersion
from partnerships.selectors import agency_choosable_check, staff_choosable_check


class CaseWorkflowError(Exception):
    """A workflow step that cannot happen, with a message fit to show the user."""

    def __init__(self, message: str, *, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []


class StaleCase(CaseWorkflowError, ConflictError):
    """Someone else changed the case since this user loaded it (a ``ConflictError`` too,
    so every view's validation-error path shows it)."""


STALE_MESSAGE = (
    "Someone else changed this case while you were working on it. "
    "Your changes have not been saved: check the case as it is now, then try again. "
    "What you typed is still in the form."
)

CONDITION_MESSAGES = {
    "_has_reason": "Give a reason.",
    "_has_referral": "Give the reason it is out of scope and the recommended course of action.",
    "_has_incidents": "Record at least one incident before asking the bodies for their responses.",
    "_decision_at_meeting": "This procedure decides the threshold before the panel is arranged.",
    "_decision_before_meeting": (
        "This procedure decides the threshold at the panel meeting: arrange the panel instead."
    ),
    "_no_open_blockers": "The case cannot close yet.",
}


def stale_case(case: Case, by, *, what: str = "changed the case") -> StaleCase:
    """The plain message for a lost race on a case: who changed it last, when, and how."""
    event = (
        TimelineEvent.objects.filter(case_id=case.pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return StaleCase(STALE_MESSAGE)
    return StaleCase(
        conflict_message(what=what, at=event.at, actor=event.actor, by=by, outcome=event.summary)
    )


# -- timeline and access log ---------------------------------------------------


def _lock_chain(*, case_id=None, chain: str = "") -> None:
    """Serialise writers of one hash chain until commit, so the chain stays linear.

    A case's chains lock the case row (FOR NO KEY UPDATE, which inserts referencing the
    case do not wait for); area and global access-log chains take a transaction-level
    advisory lock. SQLite serialises all writers anyway.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    if case_id:
        Case.objects.select_for_update(no_key=True).filter(pk=case_id).values_list("pk").first()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"audit:{chain}"])


def _agency_id(user):
    return getattr(user, "agency_id", None) if getattr(user, "is_authenticated", False) else None


def timeline_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    by=None,
    reason: str = "",
    detail: dict | None = None,
    from_state: str = "",
    to_state: str = "",
    visible_to_applicant: bool = False,
    ip: str | None = None,
) -> TimelineEvent:
    """Append one entry to a case's timeline (the only way entries are written).

    The entry records the actor and their agency at the time, the client's address
    (``ip``, else the current request's), and joins the case's hash chain. For a change,
    ``detail`` holds ``{"fields": [...], "before": {field: old}, "after": {field: new}}``.
    """
    from asbcr import audit_chain as chain
    from asbcr.audit_context import current_ip

    actor = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        _lock_chain(case_id=case.pk)
        prev = (
            TimelineEvent._base_manager.filter(case_id=case.pk)
            .order_by("-id")
            .values_list("row_hash", flat=True)
            .first()
        )
        event = TimelineEvent(
            case=case,
            at=timezone.now(),
            kind=kind,
            summary=summary[:300],
            actor=actor,
            actor_agency_id=_agency_id(actor),
            ip_address=ip or current_ip() or None,
            reason=reason,
            detail=detail or {},
            from_state=from_state,
            to_state=to_state,
            visible_to_applicant=visible_to_applicant,
        )
        chain.seal_timeline(event, prev_hash=prev or "")
        event.save()
    return event


def timeline_record_many(entries: list[dict], *, batch_size: int = 1000) -> list[TimelineEvent]:
    """Append many entries at once (the deadline sweep): each dict holds the keyword
    arguments of ``timeline_record`` (``case`` may be given as ``case_id``).

    Each entry joins its case's hash chain exactly as ``timeline_record`` would: the
    cases' chains are locked together (in id order, so two sweeps cannot deadlock), the
    last hash of each is read in one query, and the entries are sealed in list order.
    """
    from django.db import connection
    from django.db.models import OuterRef, Subquery

    from asbcr import audit_chain as chain
    from asbcr.audit_context import current_ip

    if not entries:
        return []
    ip = current_ip() or None
    now = timezone.now()
    events = []
    for entry in entries:
        entry = dict(entry)
        by = entry.pop("by", None)
        entry.pop("ip", None)
        actor = by if getattr(by, "is_authenticated", False) else None
        events.append(
            TimelineEvent(
                **{k: v for k, v in entry.items() if k not in ("summary", "detail", "at")},
                at=entry.get("at") or now,
                summary=entry["summary"][:300],
                detail=entry.get("detail") or {},
                actor=actor,
                actor_agency_id=_agency_id(actor),
                ip_address=ip,
            )
        )
    case_ids = sorted({event.case_id for event in events})
    with transaction.atomic():
        if connection.vendor == "postgresql":
            list(
                Case.objects.select_for_update(no_key=True)
                .filter(pk__in=case_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        last = dict(
            Case.objects.filter(pk__in=case_ids)
            .annotate(
                last_hash=Subquery(
                    TimelineEvent._base_manager.filter(case_id=OuterRef("pk"))
                    .order_by("-id")
                    .values("row_hash")[:1]
                )
            )
            .values_list("pk", "last_hash")
        )
        for event in events:
            chain.seal_timeline(event, prev_hash=last.get(event.case_id) or "")
            last[event.case_id] = event.row_hash
        return TimelineEvent.objects.bulk_create(events, batch_size=batch_size)


def access_log_record(
    *,
    user,
    kind: str,
    case: Case | None = None,
    area=None,
    target: str = "",
    query: str = "",
    ip: str | None = None,
) -> AccessLogEntry:
    """Record that a user opened, exported or searched for something."""
    from asbcr import audit_chain as chain
    from asbcr.audit_context import current_ip

    area = area or (case.area if case else None)
    key = chain.access_chain_key(
        case_id=getattr(case, "pk", None), area_id=getattr(area, "pk", None)
    )
    with transaction.atomic():
        _lock_chain(case_id=getattr(case, "pk", None), chain=key)
        prev = (
            AccessLogEntry._base_manager.filter(chain=key)
            .order_by("-id")
            .values_list("row_hash", flat=True)
            .first()
        )
        entry = AccessLogEntry(
            at=timezone.now(),
            user=user,
            user_agency_id=_agency_id(user),
            ip_address=ip or current_ip() or None,
            kind=kind,
            case=case,
            area=area,
            chain=key,
            target=target[:300],
            query=query[:300],
        )
        chain.seal_access(entry, prev_hash=prev or "")
        entry.save()
    return entry


# -- receipt -------------------------------------------------------------------


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


# -- transitions -----------------------------------------------------------------


def transition_blockers(case: Case, name: str) -> list[str]:
    """Plain-English reasons the transition cannot run now (empty if it can)."""
    method = getattr(case, name)
    meta = method._django_fsm
    if not meta.has_transition(case.state):
        return [f"This cannot be done while the case is ‘{case.get_state_display()}’."]
    reasons = []
    for condition in meta.get_transition(case.state).conditions:
        if not condition(case):
            if condition.__name__ == "_no_open_blockers":
                reasons.extend(hooks.close_blockers(case))
            else:
                reasons.append(
                    CONDITION_MESSAGES.get(condition.__name__, "A condition is not met.")
                )
    return reasons


def available_transitions(case: Case, user) -> list[str]:
    """The transitions this user may take now, by method name."""
    return [
        t.name
        for t in case.get_available_user_state_transitions(user)
        if not t.name.startswith("_")
    ]


def case_transition(
    *,
    case: Case,
    name: str,
    by,
    reason: str = "",
    expected_state: str | None = None,
    fields: dict | None = None,
    detail: dict | None = None,
) -> Case:
    """Run one transition: lock, check permission, transition, save, timeline, hooks."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_state is not None and locked.state != expected_state:
            raise stale_case(locked, by)
        method = getattr(locked, name, None)
        if method is None or not hasattr(method, "_django_fsm"):
            raise CaseWorkflowError(f"Unknown step: {name}.")
        meta = method._django_fsm
        if not meta.has_transition(locked.state) and locked.state != case.state:
            # The case moved while this request waited for the lock (or since it loaded).
            raise stale_case(locked, by)
        if not meta.has_transition(locked.state):
            raise CaseWorkflowError(
                "That step is not possible now.", reasons=transition_blockers(locked, name)
            )
        # django-fsm-2 does not enforce `permission=`; this is the one place it is checked.
        if not (by.is_superuser or meta.has_transition_perm(locked, locked.state, by)):
            raise PermissionDenied("You do not have permission to do that on this case.")
        locked.pending_reason = reason or ""
        for key, value in (fields or {}).items():
            setattr(locked, key, value)
        reasons = transition_blockers(locked, name)
        if reasons:
            raise CaseWorkflowError("That step is not possible yet.", reasons=reasons)
        from_state = locked.state
        method()
        try:
            locked.save()
        except ConcurrentTransition as exc:
            raise stale_case(locked, by) from exc
        Case.objects.filter(pk=locked.pk).update(lock_version=F("lock_version") + 1)
        locked.refresh_from_db(fields=["lock_version"])
        timeline_record(
            case=locked,
            kind=EventKind.TRANSITION,
            summary=TRANSITION_SUMMARIES.get(name, name.replace("_", " ").capitalize()),
            by=by,
            reason=reason,
            from_state=from_state,
            to_state=locked.state,
            detail={"transition": name, **(detail or {})},
            visible_to_applicant=True,
        )
        hooks.run_after_transition(locked, name, by)
    return locked


def case_acknowledge(*, case: Case, by) -> Case:
    """Acknowledge the application (CR1 letter follows, on the preferred channel)."""
    return case_transition(case=case, name="acknowledge", by=by)


def case_refer_back(
    *, case: Case, by, reason: str, recommended_course: str, expected_state: str | None = None
) -> Case:
    """Out of scope: referred back with a reason and a recommended course of action."""
    return case_transition(
        case=case,
        name="refer_back",
        by=by,
        reason=reason,
        expected_state=expected_state,
        fields={"referred_back_reason": reason, "recommended_course": recommended_course},
    )


def case_withdraw(*, case: Case, by, reason: str) -> Case:
    """Withdraw the application (victim's request, or unreachable after reasonable efforts)."""
    return case_transition(case=case, name="withdraw", by=by, reason=reason)


def case_close(*, case: Case, by, summary: str) -> Case:
    """Close the case with a closing summary."""
    return case_transition(case=case, name="close", by=by, reason=summary)


# -- other writes ----------------------------------------------------------------

EDITABLE_FIELDS = frozenset(
    {"summary", "impact", "wants_to_attend", "wants_to_send_statement", "asb_persists"}
)


def case_update_details(*, case: Case, by, lock_version: int, changes: dict) -> Case:
    """Edit details that are not workflow steps, refusing if someone else saved first."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise CaseWorkflowError(f"These cannot be edited here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        before = dict(Case.objects.filter(pk=case.pk).values(*sorted(changes)).first() or {})
        updated = Case.objects.filter(pk=case.pk, lock_version=lock_version).update(
            lock_version=F("lock_version") + 1, updated_at=timezone.now(), **changes
        )
        if not updated:
            raise stale_case(case, by)
        case.refresh_from_db()
        timeline_record(
            case=case,
            kind=EventKind.DETAILS,
            summary="Details changed: " + ", ".join(DETAIL_LABELS[f] for f in sorted(changes)),
            by=by,
            detail={
                "fields": sorted(changes),
                "before": {name: before.get(name) for name in sorted(changes)},
                "after": {name: getattr(case, name) for name in sorted(changes)},
            },
        )
    return case


OFFICER_ALLOCATED = "Case officer allocated: "


def _allocations(case: Case):
    return TimelineEvent.objects.filter(case_id=case.pk, summary__startswith=OFFICER_ALLOCATED)


def officer_allocations_version(case: Case) -> int:
    """How many times a case officer has been allocated: the allocation form's version."""
    return _allocations(case).count()


def case_assign_officer(*, case: Case, by, officer, version: int | None = None) -> Case:
    """Allocate a case officer (Bedfordshire: name and contact within 5 working days).

    ``version`` is ``officer_allocations_version`` as the page showed it: if someone
    allocated an officer since (or this is a double click), the case is left as it is and
    the caller is told who allocated whom and when."""
    staff_choosable_check(
        case=case, purpose=PickPurpose.CASE_OFFICER, person=officer, field="officer"
    )
    if not officer.has_perm("cases.manage_case", case):
        raise ValidationError({"officer": f"{officer} is not a case officer in {case.area}."})
    with transaction.atomic():
        locked = lock(case)
        if version is not None:
            count = officer_allocations_version(case)
            last = _allocations(case).select_related("actor").order_by("-id").first()
            if count != version and last is not None:
                raise conflict(
                    what=f"allocated {last.summary.removeprefix(OFFICER_ALLOCATED)} "
                    "as case officer",
                    at=last.at,
                    actor=last.actor,
                    by=by,
                    version=count,
                )
        Case.objects.filter(pk=locked.pk).update(
            case_officer=officer, lock_version=F("lock_version") + 1
        )
        case.refresh_from_db()
        timeline_record(
            case=case,
            kind=EventKind.NOTE,
            summary=f"{OFFICER_ALLOCATED}{officer}",
            by=by,
            detail={"officer_id": officer.pk},
            visible_to_applicant=True,
        )
        hooks.run_after_transition(case, "assign_officer", by)
    return case


def case_add_note(*, case: Case, by, text: str, contact_attempt: bool = False) -> TimelineEvent:
    """Add a note or a record of an attempt to contact the victim."""
    if not text.strip():
        raise ValidationError({"text": "Write the note."})
    kind = EventKind.CONTACT_ATTEMPT if contact_attempt else EventKind.NOTE
    summary = "Attempt to contact the victim" if contact_attempt else "Note added"
    return timeline_record(case=case, kind=kind, summary=summary, by=by, reason=text)


VICTIM_CONTACTED = "Spoke to the victim"


def case_record_victim_contact(*, case: Case, by, text: str) -> TimelineEvent:
    """The officer reached the victim (Hertsmere: by phone within 5 working days of the
    CR4 letter): what they talked about goes on the timeline and meets the deadline."""
    if not text.strip():
        raise ValidationError({"text": "Write what you talked about."})
    with transaction.atomic():
        lock(case)  # a double click records the call once
        same = (
            TimelineEvent.objects.filter(
                case_id=case.pk,
                kind=EventKind.CONTACT_ATTEMPT,
                summary=VICTIM_CONTACTED,
                reason=text.strip(),
                actor=by,
                at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
            )
            .order_by("-at")
            .first()
        )
        if same is not None:
            raise conflict(what="recorded this conversation", at=same.at, actor=by, by=by)
        event = timeline_record(
            case=case,
            kind=EventKind.CONTACT_ATTEMPT,
            summary=VICTIM_CONTACTED,
            by=by,
            reason=text.strip(),
            detail={"victim_contacted": True},
        )
        hooks.run_after_transition(case, "victim_contacted", by)
    return event


def case_record_exclusions(*, case: Case, by, checks: dict[str, tuple[bool, str]]) -> None:
    """Record the exclusion checks (anonymous, CPS/court, service complaint, ...)."""
    with transaction.atomic():
        for exclusion, (applies, notes) in checks.items():
            ExclusionCheck.objects.create(
                case=case, exclusion=exclusion, applies=applies, notes=notes, created_by=by
            )
        applying = [e for e, (applies, _) in checks.items() if applies]
        timeline_record(
            case=case,
            kind=EventKind.EXCLUSION,
            summary=(
                "Exclusions checked: "
                + (", ".join(applying) + " apply" if applying else "none apply")
            ),
            by=by,
            detail={"applying": applying},
        )


def risk_assess(
    *,
    case: Case,
    by,
    subject: str,
    matrix_key: str,
    answers: dict[str, str],
    assessed_on: dt.date,
    notes: str = "",
) -> RiskAssessment:
    """Score a risk assessment on the procedure's matrix and keep the case's level current."""
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment date cannot be in the future."})
    matrix = risk.matrix_for(case.procedure_version.data, matrix_key)
    if matrix is None:
        raise ValidationError({"matrix": "Choose one of this area's risk matrices."})
    try:
        score, level = risk.score(matrix, answers)
    except risk.RiskAnswerError as exc:
        raise ValidationError(exc.errors) from exc
    with transaction.atomic():
        lock(case)  # a double click records the assessment once
        for same in case.risk_assessments.filter(
            subject=subject,
            matrix=matrix["name"],
            assessed_on=assessed_on,
            notes=notes,
            created_by=by,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).order_by("-created_at"):
            if same.answers == answers:
                raise conflict(
                    what="recorded this risk assessment",
                    at=same.created_at,
                    actor=by,
                    by=by,
                    outcome=RiskLevel(same.level).label,
                )
        assessment = RiskAssessment.objects.create(
            case=case,
            subject=subject,
            matrix=matrix["name"],
            answers=answers,
            score=score,
            level=level,
            assessed_on=assessed_on,
            notes=notes,
            created_by=by,
        )
        _refresh_risk_level(case)
        timeline_record(
            case=case,
            kind=EventKind.RISK,
            summary=f"Risk assessed ({RiskSubject(subject).label.lower()}): {RiskLevel(level).label}",
            by=by,
            detail={"assessment_id": assessment.pk, "score": score, "level": level},
        )
    return assessment


def _refresh_risk_level(case: Case) -> None:
    """The case's level is the highest of the latest victim and perpetrator assessments."""
    from cases.constants import RISK_ORDER

    levels = []
    for subject in RiskSubject.values:
        latest = (
            case.risk_assessments.filter(subject=subject).order_by("-assessed_on", "-id").first()
        )
        if latest:
            levels.append(latest.level)
    level = max(levels, key=lambda lv: RISK_ORDER[lv]) if levels else ""
    Case.objects.filter(pk=case.pk).update(current_risk_level=level)
    case.current_risk_level = level


def impact_statement_add(
    *, case: Case, by, source: str, text: str, given_by: str = "", attachment=None
):
    """Record the victim's impact statement (written, or noted from what they said)."""
    from cases.models import ImpactStatement

    if not text.strip() and attachment is None:
        raise ValidationError({"text": "Write the statement, or attach it as a file."})
    checked = _checked(attachment, kinds=STATEMENT_KINDS, field="attachment")
    with transaction.atomic():
        statement = ImpactStatement.objects.create(
            case=case,
            source=source,
            text=text.strip(),
            given_by=given_by,
            attachment=attachment or "",
            attachment_name=checked.original_name if checked else "",
            attachment_content_type=checked.content_type if checked else "",
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        timeline_record(
            case=case,
            kind=EventKind.DOCUMENT,
            summary=f"Impact statement received ({statement.get_source_display().lower()})",
            by=by,
            detail={"impact_statement_id": statement.pk},
            visible_to_applicant=True,
        )
        hooks.run_after_transition(case, "impact_statement_received", by)
    return statement


# -- files ---------------------------------------------------------------------


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


# -- retention -------------------------------------------------------------------


def _check_area_admin(by, case: Case) -> None:
    if not (by.is_superuser or by.has_perm("partnerships.administer_area", case.area)):
        raise PermissionDenied("Only the area's admin can place or lift a legal hold.")


def case_legal_hold_set(*, case: Case, by, reason: str) -> Case:
    """Place a legal hold: the case is not erased under retention while it stands."""
    _check_area_admin(by, case)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case must be kept (the claim or request)."})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.erased_on:
            raise CaseWorkflowError("This case's personal data has already been erased.")
        Case.objects.filter(pk=case.pk).update(
            legal_hold=True,
            legal_hold_reason=reason.strip(),
            legal_hold_set_at=timezone.now(),
            legal_hold_set_by=by,
        )
        timeline_record(
            case=locked,
            kind=EventKind.LEGAL_HOLD,
            summary="Legal hold placed: the case will not be erased",
            by=by,
            reason=reason.strip(),
            detail={"legal_hold": True},
        )
    case.refresh_from_db()
    return case


def case_legal_hold_clear(*, case: Case, by, reason: str) -> Case:
    """Lift a legal hold; the case is erased once its retention has passed."""
    _check_area_admin(by, case)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the hold is no longer needed."})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.legal_hold:
            raise CaseWorkflowError("This case is not on legal hold.")
        Case.objects.filter(pk=case.pk).update(
            legal_hold=False,
            legal_hold_reason="",
            legal_hold_set_at=None,
            legal_hold_set_by=None,
        )
        timeline_record(
            case=locked,
            kind=EventKind.LEGAL_HOLD,
            summary="Legal hold lifted",
            by=by,
            reason=reason.strip(),
            detail={"legal_hold": False},
        )
    case.refresh_from_db()
    return case
