"""Retention: closed cases are anonymised once their procedure's retention has passed.

Each procedure's ``retention.closed_cases_years`` (default 6, see
``partnerships.procedure_schema``) runs from the day the case closed. A case on legal
hold is never erased. Personal data — names, contacts, addresses, free text, files,
letters' PDFs, impact statements, perpetrators, incident descriptions, the free text of
timeline and access-log rows — is erased or replaced by a dated marker, while what the
statistics count (dates, area, channel, states, outcomes, counts, which body a report
went to) is kept, so published figures do not change.

Applications by the same victim in the same area (the same person record, or the same
name and postcode, as the repeat-applications figure counts them) are erased together,
and only once every one of them is due, so that figure does not change either.

Everything runs through ``audit.erasure.permitted`` (one logged permit per case) and
writes one ``erasure`` timeline entry per case. Running it again does nothing.
"""

import dataclasses
import datetime as dt
import logging
import secrets

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import erasure
from cases.constants import CaseState, EventKind
from cases.models import AccessLogEntry, Case, Person, TimelineEvent
from letters.models import Letter
from partnerships.procedure_schema import RETENTION_DEFAULT_YEARS

logger = logging.getLogger(__name__)

# Timeline ``detail`` keys whose values are personal data (a change's before and after
# values, as case_update_details and rectification write them). Other keys hold ids,
# slugs, dates and counts, and are kept.
PERSONAL_DETAIL_KEYS = frozenset(
    {"before", "after", "changes", "reason", "text", "note", "words", "name", "value"}
)
# Keys in JSON columns of other apps (threshold explanations, votes) that hold free text.
FREE_TEXT_KEYS = frozenset(
    {"reason", "reasons", "reasons_text", "description", "text", "notes", "note", "summary"}
)

# Free text of the records around a case: model -> (path to the case, text fields,
# fields emptied rather than marked, JSON fields scrubbed). Non-empty text becomes the
# marker, so "was anything written" (which some figures ask) stays true.
RELATED_TEXT = {
    "cases.Perpetrator": ("case", ("name", "description", "address"), (), ()),
    "cases.Incident": ("case", ("description", "location", "issue"), ("agency_reference",), ()),
    "cases.ImpactStatement": ("case", ("text", "given_by", "attachment_name"), (), ()),
    "cases.EvidenceFile": ("case", ("description", "original_name"), (), ()),
    "cases.CaseAgency": ("case", ("reports_held", "actions_taken"), (), ()),
    "cases.ExclusionCheck": ("case", ("notes",), (), ()),
    "cases.RiskAssessment": ("case", ("notes",), (), ()),
    "panels.Listing": (
        "case",
        (
            "late_reason",
            "follow_up_reason",
            "adjourned_reason",
            "victim_attendee_name",
            "apologies",
            "summary",
            "decisions",
            "recommendations",
        ),
        (),
        (),
    ),
    "panels.VictimConsultation": ("listing__case", ("what_they_said",), (), ()),
    "panels.ThresholdVote": ("listing__case", ("reason",), (), ()),
    "panels.Action": ("case", ("what", "why", "status_reason", "completion_report"), (), ()),
    "appeals.Appeal": (
        "case",
        (
            "applicant_words",
            "out_of_time_accepted_reason",
            "refusal_reason",
            "routing_note",
            "outcome_summary",
        ),
        (),
        (),
    ),
    "appeals.AppealStage": ("appeal__case", ("delay_reason",), (), ()),
    "appeals.Recommendation": ("appeal__case", ("text", "response"), (), ()),
    "appeals.EvidenceNote": ("appeal__case", ("missing_reason",), (), ()),
    "appeals.ComplianceAnswer": ("appeal__case", ("note",), (), ()),
    "thresholds.BodyView": ("case", ("reasons",), (), ()),
    "thresholds.ThresholdDecision": (
        "case",
        ("reasons_text",),
        (),
        ("views", "explanation", "discretionary_factors", "senior_manager"),
    ),
    "thresholds.ThresholdEvaluation": ("case", (), (), ("explanation",)),
    "deadlines.Deadline": ("case", ("waived_reason", "delay_reason"), (), ()),
    # The email outbox: what was sent to whom.
    "deadlines.Notification": (
        ("case", "deadline__case"),
        ("recipient_name", "subject", "body_text", "body_html", "last_error"),
        ("recipient_email",),
        (),
    ),
    "public.AppealRequest": ("case", ("details",), (), ()),
}
# Rows that exist only to reach the applicant: removed outright.
RELATED_DELETE = {"public.TrackingLink": "case", "public.DraftApplication": "case"}

CASE_TEXT = (
    "summary",
    "impact",
    "consent_missing_reason",
    "referred_back_reason",
    "recommended_course",
    "withdrawn_reason",
    "closing_summary",
    "pending_reason",
)
PERSON_EMPTIED = (
    "organisation_contact",
    "address",
    "phone",
    "email",
    "accessibility_needs",
    "language",
    "vulnerability_notes",
)


def marker(on: dt.date) -> str:
    return f"[erased under retention on {on.day} {on:%B %Y}]"


def retention_years(case: Case) -> int:
    return int(
        case.procedure_version.section("retention").get(
            "closed_cases_years", RETENTION_DEFAULT_YEARS
        )
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def erasure_due_on(case: Case) -> dt.date | None:
    """The first day a closed case may be erased (None while it is open)."""
    if case.state != CaseState.CLOSED or case.closed_on is None:
        return None
    return _add_years(case.closed_on, retention_years(case))


@dataclasses.dataclass
class Plan:
    case: Case
    due_on: dt.date | None
    blocked: str = ""
    group: list[Case] = dataclasses.field(default_factory=list)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return not self.blocked


def _same_victim(case: Case) -> list[Case]:
    """Applications in the case's area for the same victim, as the repeat figure sees it."""
    victim = case.victim
    match = Q(victim_id=victim.pk)
    if victim.postcode:
        match |= Q(victim__postcode__iexact=victim.postcode, victim__name__iexact=victim.name)
    return list(
        Case.objects.filter(area_id=case.area_id)
        .filter(match)
        .select_related("procedure_version", "victim", "applicant")
        .order_by("pk")
    )


def _why_not(case: Case, on: dt.date) -> str:
    if case.erased_on:
        return "already erased"
    if case.legal_hold:
        return f"on legal hold: {case.legal_hold_reason}"
    due = erasure_due_on(case)
    if due is None:
        return "not closed"
    if due > on:
        return f"kept until {due.day} {due:%B %Y}"
    return ""


def plan(case: Case, *, on: dt.date) -> Plan:
    """Whether ``case`` may be erased on ``on``, and which applications go with it."""
    reason = _why_not(case, on)
    result = Plan(case=case, due_on=erasure_due_on(case), blocked=reason)
    if reason:
        return result
    result.group = [c for c in _same_victim(case) if not c.erased_on]
    for other in result.group:
        if other.pk != case.pk and (why := _why_not(other, on)):
            result.blocked = f"another application by the same victim ({other.reference}) is {why}"
            break
    result.counts = _counts(case)
    return result


def due_cases(*, on: dt.date, areas=None) -> list[Plan]:
    """Closed cases whose retention has passed by ``on``, not yet erased (with blockers)."""
    candidates = Case.objects.filter(
        state=CaseState.CLOSED, closed_on__isnull=False, erased_on__isnull=True
    ).select_related("procedure_version", "victim", "area")
    if areas is not None:
        candidates = candidates.filter(area__in=areas)
    plans = []
    for case in candidates.order_by("closed_on", "pk"):
        due = erasure_due_on(case)
        if due and due <= on:
            plans.append(plan(case, on=on))
    return plans


def legal_holds(*, areas=None):
    holds = Case.objects.filter(legal_hold=True).select_related("area", "legal_hold_set_by")
    return holds.filter(area__in=areas) if areas is not None else holds


def _rows(model, path, case):
    """The model's rows about ``case``, by one path to it or any of several."""
    paths = (path,) if isinstance(path, str) else path
    match = Q()
    for one in paths:
        match |= Q(**{one: case})
    return model._base_manager.filter(match).distinct()


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _counts(case: Case) -> dict[str, int]:
    counts = {
        "people": len({case.victim_id, case.applicant_id}),
        "timeline entries": TimelineEvent._base_manager.filter(case=case).count(),
        "access-log entries": AccessLogEntry._base_manager.filter(case=case).count(),
        "letters (PDFs)": Letter._base_manager.filter(case=case).count(),
    }
    for label, (path, *_rest) in RELATED_TEXT.items():
        model = _model(label)
        if model is not None:
            n = _rows(model, path, case).count()
            if n:
                counts[model._meta.verbose_name_plural] = n
    for label, path in RELATED_DELETE.items():
        model = _model(label)
        if model is not None and (n := model._base_manager.filter(**{path: case}).count()):
            counts[f"{model._meta.verbose_name_plural} (removed)"] = n
    return counts


# -- erasing -----------------------------------------------------------------------


def _scrub_text(value: str, personal: list[str], mark: str) -> str:
    for text in personal:
        value = value.replace(text, "[erased]")
    return value


def _scrub_json(value, personal: list[str], mark: str):
    if isinstance(value, dict):
        return {
            k: (
                mark
                if k in FREE_TEXT_KEYS and v not in ("", None, [], {}) and isinstance(v, str)
                else _scrub_json(v, personal, mark)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub_json(v, personal, mark) for v in value]
    if isinstance(value, str):
        return _scrub_text(value, personal, mark)
    return value


def _mark(model, rows, fields, emptied, mark):
    """Replace non-empty free text with the marker and empty the contact fields."""
    names = {f.name for f in model._meta.get_fields()}
    for field in fields:
        if field in names:
            rows.exclude(**{field: ""}).update(**{field: mark})
    for field in emptied:
        if field in names:
            rows.update(**{field: ""})


def _personal_strings(case: Case, people) -> list[str]:
    strings = set()
    for person in people:
        strings.update({person.name, person.organisation_contact, person.email, person.phone})
    strings.update(case.perpetrators.values_list("name", flat=True))
    strings.update(Letter._base_manager.filter(case=case).values_list("recipient_name", flat=True))
    strings.update(case.impact_statements.values_list("given_by", flat=True))
    return sorted((s for s in strings if s and len(s.strip()) >= 3), key=len, reverse=True)


def _erase_people(people, *, token: str, mark: str) -> None:
    for person in people:
        Person.objects.filter(pk=person.pk).update(
            name=mark,
            # The repeat-applications figure groups a victim by name and postcode; the
            # group is erased together and keeps one shared, meaningless postcode.
            postcode=token if person.postcode else "",
            date_of_birth=None,
            health_vulnerability=False,
            **dict.fromkeys(PERSON_EMPTIED, ""),
        )


def _delete_files(rows, field: str) -> int:
    deleted = 0
    for row in rows:
        stored = getattr(row, field)
        if stored and stored.name:
            stored.storage.delete(stored.name)
            deleted += 1
    return deleted


def _erase_one(case: Case, *, on: dt.date, people, token: str) -> dict:
    mark = marker(on)
    now = timezone.now()
    personal = _personal_strings(case, people)
    counts: dict[str, int] = {}
    _erase_people(people, token=token, mark=mark)

    # Files first: once the names are gone from the rows they cannot be found.
    counts["letter PDFs deleted"] = _delete_files(Letter._base_manager.filter(case=case), "pdf")
    counts["files deleted"] = _delete_files(case.impact_statements.all(), "attachment")
    case.impact_statements.update(attachment="")
    counts["evidence files deleted"] = _delete_files(case.evidence_files.all(), "file")
    case.evidence_files.update(file="")
    Letter._base_manager.filter(case=case).update(
        pdf="",
        recipient_name=mark,
        recipient_address="",
        recipient_email="",
        recipient_phone="",
        note="",
        context_summary={},
        erased_at=now,
    )
    for field in CASE_TEXT:
        Case.objects.filter(pk=case.pk).exclude(**{field: ""}).update(**{field: mark})
    case.perpetrators.update(date_of_birth=None)
    for label, (path, fields, emptied, json_fields) in RELATED_TEXT.items():
        model = _model(label)
        if model is None:
            continue
        rows = model._base_manager.filter(pk__in=_rows(model, path, case).values("pk"))
        _mark(model, rows, fields, emptied, mark)
        for field in json_fields:
            for pk, value in rows.values_list("pk", field):
                model._base_manager.filter(pk=pk).update(
                    **{field: _scrub_json(value, personal, mark)}
                )
    for label, path in RELATED_DELETE.items():
        model = _model(label)
        if model is not None:
            model._base_manager.filter(**{path: case}).delete()

    # The timeline and access log keep their facts and their chain; only text changes.
    for row in TimelineEvent._base_manager.filter(case=case, erased_at__isnull=True):
        detail = {
            k: (mark if k in PERSONAL_DETAIL_KEYS else _scrub_json(v, personal, mark))
            for k, v in (row.detail or {}).items()
        }
        TimelineEvent._base_manager.filter(pk=row.pk).update(
            summary=_scrub_text(row.summary, personal, mark)[:300],
            reason=mark if row.reason else "",
            detail=detail,
            erased_at=now,
        )
    for row in AccessLogEntry._base_manager.filter(case=case, erased_at__isnull=True):
        AccessLogEntry._base_manager.filter(pk=row.pk).update(
            target=_scrub_text(row.target, personal, mark)[:300],
            query=mark[:300] if row.query else "",
            erased_at=now,
        )
    Case.objects.filter(pk=case.pk).update(erased_on=on)
    return counts


def case_erase(*, case: Case, on: dt.date | None = None, by=None) -> list[Case]:
    """Erase a due case's personal data, with every application by the same victim.

    Returns the cases erased (none if it is not due, on hold, or already erased).
    """
    from cases.services import timeline_record

    on = on or timezone.localdate()
    erased = []
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        current = plan(Case.objects.get(pk=case.pk), on=on)
        if not current.ready:
            return []
        group = current.group
        people = list(
            Person.objects.filter(
                Q(applications__in=group) | Q(cases_as_victim__in=group)
            ).distinct()
        )
        group_ids = {c.pk for c in group}
        # A person who is also on a case that stays (or on the incident log outside
        # these cases) is kept: their data is still needed there.
        people = [
            p
            for p in people
            if not Case.objects.filter(Q(applicant=p) | Q(victim=p))
            .exclude(pk__in=group_ids)
            .exists()
            and not p.complaints.exclude(case_id__in=group_ids).exists()
        ]
        token = secrets.token_hex(5)  # 10 characters: fits the postcode field
        for member in group:
            with erasure.permitted(
                reason=f"retention: {member.reference}",
                by=by,
                detail={"case": member.reference, "years": retention_years(member)},
            ) as log:
                counts = _erase_one(
                    member,
                    on=on,
                    people=[p for p in people if p.pk in (member.victim_id, member.applicant_id)],
                    token=token,
                )
                timeline_record(
                    case=member,
                    kind=EventKind.ERASURE,
                    summary="Personal data erased under the retention policy",
                    by=by,
                    detail={
                        "retention_years": retention_years(member),
                        "closed_on": member.closed_on.isoformat() if member.closed_on else None,
                        "erasure_log": log.pk,
                        "counts": counts,
                        "with": sorted(c.reference for c in group if c.pk != member.pk),
                    },
                )
            erased.append(member)
            logger.info("Retention: erased %s", member.reference)
    return erased


def run(*, on: dt.date | None = None, by=None) -> list[Case]:
    """Erase every case due on ``on`` (the daily job). Safe to run again."""
    on = on or timezone.localdate()
    erased: list[Case] = []
    for item in due_cases(on=on):
        if item.ready and item.case.pk not in {c.pk for c in erased}:
            erased.extend(case_erase(case=item.case, on=on, by=by))
    return erased


def due_in_month(*, month_start: dt.date, areas=None) -> list[Plan]:
    """Cases whose retention ends within the calendar month starting ``month_start``."""
    if month_start.month == 12:
        month_end = month_start.replace(year=month_start.year + 1, month=1)
    else:
        month_end = month_start.replace(month=month_start.month + 1)
    last = month_end - dt.timedelta(days=1)
    return [p for p in due_cases(on=last, areas=areas) if p.due_on >= month_start]
