"""The evidence bundle for an appeal, item by item against the Devon & Cornwall OPCC
pack's Appendix A ("ASB Case Review Escalation: Evidence Checklist").

Each item is assembled from the case record: available (with what was found and links
to it), or missing with the reason the lead body's officer records. Other apps add
evidence with ``evidence_source(item)`` (e.g. panels: minutes and action plans;
letters: correspondence); until they do, the case timeline, which every app writes,
supplies it. Only the case's own people appear: the incident log's other complainants
and other cases are never read.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from appeals import integration
from appeals.models import Appeal
from cases.constants import CaseState, EventKind, RiskSubject


@dataclass
class EvidenceEntry:
    label: str
    detail: str = ""
    url: str = ""
    on: dt.date | None = None


@dataclass
class BundleItem:
    key: str
    number: int
    title: str
    entries: list[EvidenceEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_reason: str = ""
    rows: list[dict] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return bool(self.entries or self.rows)


# Appendix A, row by row, in the pack's order and words (shortened).
ITEMS: list[tuple[str, str]] = [
    ("application", "The applicant's request for an ASB Case Review (application form)"),
    ("procedure", "The ASB Case Review policy and process that was followed"),
    ("threshold", "Evidence, decision and rationale on whether the threshold was met"),
    ("risk", "Risk assessments before the threshold decision and during the review"),
    ("timeline", "Timeline of activity against every deadline of the procedure"),
    ("support", "Support services offered or provided to the applicant"),
    ("minutes", "Panel minutes, who attended, and the victim's impact statement"),
    ("correspondence", "Correspondence with the applicant (emails, letters)"),
    ("action_plan", "The action plan and delivery plan, with timeframes and deadlines"),
    ("action_plan_update", "The updated action plan: completed, overdue and ongoing actions"),
    ("other", "Other information relevant to the applicant's case"),
    ("after_closure", "Evidence that became available after the case review was closed"),
]
ITEM_KEYS = frozenset(key for key, _ in ITEMS)

_sources: dict[str, list[Callable]] = {}


def evidence_source(item: str):
    """Register ``fn(case) -> list[EvidenceEntry]`` as a source for one Appendix A item."""
    if item not in ITEM_KEYS:
        raise ValueError(f"Unknown evidence item {item!r}")

    def register(fn):
        if fn not in _sources.setdefault(item, []):
            _sources[item].append(fn)
        return fn

    return register


def _case_url(case) -> str:
    return reverse("cases:detail", args=[case.reference])


def _events(case, *kinds, **filters):
    return list(case.timeline.filter(kind__in=kinds, **filters).order_by("at", "id"))


def _entry_for_event(event, case) -> EvidenceEntry:
    return EvidenceEntry(
        label=event.summary,
        detail=event.reason,
        url=_case_url(case) + f"#event-{event.pk}",
        on=timezone.localdate(event.at),
    )


def _threshold_decided_on(case) -> dt.date | None:
    event = (
        case.timeline.filter(
            kind=EventKind.TRANSITION,
            to_state__in=[CaseState.THRESHOLD_MET, CaseState.THRESHOLD_NOT_MET],
        )
        .order_by("at")
        .first()
    )
    return timezone.localdate(event.at) if event else None


def _closed_on(case) -> dt.date | None:
    event = (
        case.timeline.filter(kind=EventKind.TRANSITION, to_state=CaseState.CLOSED)
        .order_by("at")
        .first()
    )
    return case.closed_on or (timezone.localdate(event.at) if event else None)


# -- the built-in sources, from the case record ----------------------------------------


def _application(case) -> list[EvidenceEntry]:
    incidents = case.incidents.order_by("incident_date")
    return [
        EvidenceEntry(
            label=f"Application received {case.received_on:%-d %B %Y} "
            f"({case.get_channel_display().lower()})",
            detail=case.summary,
            url=_case_url(case),
            on=case.received_on,
        ),
        *[
            EvidenceEntry(
                label=f"Incident on {i.incident_date:%-d %B %Y}"
                + (f", reported to {i.reported_to}" if i.reported_to_id else ""),
                detail=i.description,
                on=i.incident_date,
            )
            for i in incidents
        ],
    ]


def _procedure(case) -> list[EvidenceEntry]:
    version = case.procedure_version
    return [
        EvidenceEntry(
            label=f"{version} (the version the case was received under)",
            detail=version.data.get("source", {}).get("title", "")
            if isinstance(version.data.get("source"), dict)
            else str(version.data.get("source", "")),
            on=timezone.localdate(version.created_at),
        )
    ]


def _threshold(case) -> list[EvidenceEntry]:
    events = _events(case, EventKind.DECISION) + [
        e
        for e in _events(case, EventKind.TRANSITION)
        if e.to_state in (CaseState.THRESHOLD_MET, CaseState.THRESHOLD_NOT_MET)
    ]
    return [_entry_for_event(e, case) for e in sorted(events, key=lambda e: (e.at, e.pk))]


def _risk(case) -> list[EvidenceEntry]:
    decided_on = _threshold_decided_on(case)
    entries = []
    for ra in case.risk_assessments.order_by("assessed_on", "id"):
        when = (
            "before the threshold decision"
            if decided_on is None or ra.assessed_on <= decided_on
            else "during the review"
        )
        entries.append(
            EvidenceEntry(
                label=f"{RiskSubject(ra.subject).label} risk assessment on {ra.matrix}, "
                f"{ra.assessed_on:%-d %B %Y} ({when}): {ra.get_level_display().lower()}, "
                f"score {ra.score}",
                detail=ra.notes,
                url=_case_url(case) + "#risk",
                on=ra.assessed_on,
            )
        )
    return entries


def _support(case) -> list[EvidenceEntry]:
    """Support recorded on the timeline, and letters that listed the support services."""
    events = [
        e
        for e in case.timeline.order_by("at", "id")
        if "support" in e.summary.lower() or e.detail.get("support")
    ]
    entries = [_entry_for_event(e, case) for e in events]
    letters = getattr(case, "letters", None)
    if letters is not None:
        # Every applicant letter but the CR5 (to an agency) lists the area's support services.
        for letter in letters.exclude(kind="CR5").order_by("sent_at", "id"):
            entries.append(
                EvidenceEntry(
                    label=f"Support services listed in the letter: {letter}",
                    on=timezone.localdate(letter.sent_at),
                )
            )
    return entries


def _minutes(case) -> list[EvidenceEntry]:
    entries = [_entry_for_event(e, case) for e in _events(case, EventKind.PANEL)]
    for statement in case.impact_statements.order_by("received_on", "id"):
        entries.append(
            EvidenceEntry(
                label=f"Impact statement ({statement.get_source_display().lower()}), "
                f"{statement.received_on:%-d %B %Y}",
                detail=statement.text,
                url=reverse("cases:impact_statement_download", args=[case.reference, statement.pk])
                if statement.attachment
                else "",
                on=statement.received_on,
            )
        )
    return entries


def _correspondence(case) -> list[EvidenceEntry]:
    return [
        _entry_for_event(e, case)
        for e in _events(case, EventKind.LETTER, EventKind.EMAIL, EventKind.CONTACT_ATTEMPT)
    ]


def _action_plan(case) -> list[EvidenceEntry]:
    return [_entry_for_event(e, case) for e in _events(case, EventKind.ACTION)]


def _other(case) -> list[EvidenceEntry]:
    entries = [
        EvidenceEntry(
            label=f"Response from {inv.agency}"
            + (f" ({inv.response_received_on:%-d %B %Y})" if inv.response_received_on else ""),
            detail="\n".join(x for x in (inv.reports_held, inv.actions_taken) if x),
            on=inv.response_received_on,
        )
        for inv in case.involvements.select_related("agency").exclude(response_received_on=None)
    ]
    entries += [
        _entry_for_event(e, case)
        for e in _events(case, EventKind.DOCUMENT)
        if "evidence_file_id" not in e.detail
    ]
    # Evidence files are listed (name, what it is, dates), never their content.
    for evidence in case.evidence_files.select_related("incident", "uploaded_by"):
        incident = (
            f"; evidence of the incident of {evidence.incident.incident_date:%-d %B %Y}"
            if evidence.incident
            else ""
        )
        added = timezone.localdate(evidence.uploaded_at)
        entries.append(
            EvidenceEntry(
                label=f"Evidence file: {evidence.original_name} ({evidence.description})",
                detail=f"Added {added:%-d %B %Y} by {evidence.uploaded_by}{incident}",
                url=reverse("cases:evidence_download", args=[case.reference, evidence.pk]),
                on=added,
            )
        )
    return entries


def _after_closure(case) -> list[EvidenceEntry]:
    closed_on = _closed_on(case)
    if closed_on is None:
        return []
    events = [
        e
        for e in _events(
            case, EventKind.NOTE, EventKind.DOCUMENT, EventKind.INCIDENT, EventKind.RISK
        )
        if timezone.localdate(e.at) > closed_on
    ]
    return [_entry_for_event(e, case) for e in events]


BUILT_IN: dict[str, Callable] = {
    "application": _application,
    "procedure": _procedure,
    "threshold": _threshold,
    "risk": _risk,
    "support": _support,
    "minutes": _minutes,
    "correspondence": _correspondence,
    "action_plan": _action_plan,
    "action_plan_update": _action_plan,
    "other": _other,
    "after_closure": _after_closure,
}


def deadline_rows(case, *, today: dt.date | None = None) -> list[dict]:
    """Every deadline of the case with met / late / breached / open / waived."""
    today = today or timezone.localdate()
    rows = []
    for d in integration.deadlines_for_case(case) or []:
        if d.met_on:
            status = "met" if d.met_on <= d.due else "late"
        elif d.state == "waived":
            status = "waived"
        elif d.due < today:
            status = "breached"
        else:
            status = "open"
        rows.append(
            {
                "rule": d.rule,
                "started_on": d.started_on,
                "due": d.due,
                "done": d.met_on,
                "status": status,
                "note": d.delay_reason or d.waived_reason,
            }
        )
    return rows


def bundle_items(appeal: Appeal, *, today: dt.date | None = None) -> list[BundleItem]:
    """Appendix A, item by item, from the record; missing items carry the officer's reason."""
    case = appeal.case
    today = today or timezone.localdate()
    notes = {n.item: n.missing_reason for n in appeal.evidence_notes.all()}
    items = []
    for number, (key, title) in enumerate(ITEMS, start=1):
        item = BundleItem(key=key, number=number, title=title)
        if key == "timeline":
            item.rows = deadline_rows(case, today=today)
            if not item.rows:
                item.notes.append("No deadlines are recorded for this case.")
        else:
            item.entries = list(BUILT_IN[key](case))
        for source in _sources.get(key, []):
            item.entries.extend(source(case))
        if key == "risk" and item.entries:
            decided_on = _threshold_decided_on(case)
            if decided_on and not any(e.on and e.on <= decided_on for e in item.entries):
                item.notes.append("No risk assessment is recorded before the threshold decision.")
            if decided_on and not any(e.on and e.on > decided_on for e in item.entries):
                item.notes.append("No risk assessment is recorded during the review.")
        if key == "after_closure" and _closed_on(case) is None:
            item.notes.append("The case review has not been closed.")
        item.missing_reason = notes.get(key, "")
        items.append(item)
    return items


def _read(field_file) -> bytes | None:
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def bundle_attachments(case) -> list[tuple[str, bytes]]:
    """The case's own PDF documents, appended to the bundle: letters as sent, and
    impact statements received on paper (scanned)."""
    attachments = []
    letters = getattr(case, "letters", None)
    if letters is not None:
        for letter in letters.order_by("sent_at", "id"):
            data = _read(letter.pdf) if letter.pdf else None
            if data and data.startswith(b"%PDF"):
                attachments.append((f"Letter: {letter}", data))
    for statement in case.impact_statements.exclude(attachment="").order_by("received_on"):
        data = _read(statement.attachment)
        if data and data.startswith(b"%PDF"):
            attachments.append(
                (f"Impact statement received {statement.received_on:%-d %B %Y}", data)
            )
    return attachments


def bundle_context(appeal: Appeal, *, today: dt.date | None = None) -> dict:
    case = appeal.case
    return {
        "appeal": appeal,
        "case": case,
        "items": bundle_items(appeal, today=today),
        "stages": list(appeal.stages.order_by("order")),
        "today": today or timezone.localdate(),
        "grounds": appeal.grounds_labels(),
        "attachments": bundle_attachments(case),
    }


def render_bundle_pdf(context: dict) -> bytes:
    """The bundle as one PDF with a contents page (pure: context in, bytes out)."""
    html = render_to_string("appeals/bundle_pdf.html", context)
    try:
        from letters.rendering import html_to_pdf
    except ImportError:
        html_to_pdf = None
    if html_to_pdf is not None:
        body = html_to_pdf(html)
    else:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher

        fetcher = URLFetcher(allowed_protocols={"data", "file"})
        body = HTML(string=html, url_fetcher=fetcher).write_pdf()
    attachments = context.get("attachments") or []
    if not attachments:
        return body
    return _append(body, attachments)


def _append(body: bytes, attachments: list[tuple[str, bytes]]) -> bytes:
    """The attached documents after the bundle, each with a bookmark."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(body)))
    for label, data in attachments:
        try:
            writer.append(PdfReader(io.BytesIO(data)), outline_item=label)
        except PdfReadError:
            continue
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
