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


AVAILABLE, PARTLY, MISSING = "available", "partly", "missing"
STATUS_LABELS = {AVAILABLE: "Available", PARTLY: "Partly available", MISSING: "Missing"}


@dataclass
class BundleItem:
    key: str
    number: int
    title: str
    entries: list[EvidenceEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_reason: str = ""
    rows: list[dict] = field(default_factory=list)
    missing_parts: list[str] = field(default_factory=list)
    known_reason: str = ""  # why it is missing, when the record itself says so

    @property
    def available(self) -> bool:
        """Fully available: something on the record and no expected part missing."""
        return self.status == AVAILABLE

    @property
    def status(self) -> str:
        if not (self.entries or self.rows):
            return MISSING
        return PARTLY if self.missing_parts else AVAILABLE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def reason(self) -> str:
        """The reason asked for when the item is not fully available."""
        return self.missing_reason or self.known_reason


# Appendix A, row by row, in the pack's order and its own words (seed 002, "Appendix A -
# ASB Case Review Escalation: Evidence Checklist").
ITEMS: list[tuple[str, str]] = [
    (
        "application",
        "A copy of the applicants' request for an ASB Case Review (application form).",
    ),
    (
        "procedure",
        "A copy of the relevant ASB Case Review policy and process that has been followed.",
    ),
    (
        "threshold",
        "Documents detailing the evidence, decision and rationale on whether or not the case "
        "was considered to meet the threshold for an ASB Case Review.",
    ),
    (
        "risk",
        "Evidence that risk assessments have been undertaken, both before the threshold "
        "evaluation by the relevant agency and during the ASB Case Review process (redacted "
        "when necessary).",
    ),
    (
        "timeline",
        "A timeline recording activity undertaken against the requirements of the (locally "
        "agreed) ASB Case Review procedure from the receipt of the application to the "
        "conclusion of the ASB Case Review.",
    ),
    ("support", "Evidence of any support services offered / provided to the applicant/s."),
    (
        "minutes",
        "A copy of the Panel meeting minutes or transcript / or recording of the meeting - "
        "this should include information on who attended the meeting and a copy of the "
        "Victim/s' Impact Statement.",
    ),
    (
        "correspondence",
        "Evidence of any correspondence with the applicant/s relevant to the ASB Case Review "
        "(emails, letters etc.)",
    ),
    (
        "action_plan",
        "The ASB Case Review action plan and delivery plan, including timeframes and deadlines.",
    ),
    (
        "action_plan_update",
        "A copy the updated action plan, including actions that have been successfully "
        "completed within the set deadlines, those that are overdue or are still ongoing.",
    ),
    (
        "other",
        "Any additional information/ evidence / documentation that may be relevant to the "
        "applicant/s' case.",
    ),
    (
        "after_closure",
        "Any relevant evidenced information that became available after the ASB Case Review "
        "was officially closed.",
    ),
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


def support_offered(case) -> list[EvidenceEntry]:
    """THE definition of "support offered / provided" (Appendix A item 6), used by the
    bundle and by the Appendix B audit alike: support recorded on the case timeline, and
    every letter sent to the applicant or victim that listed the area's support services
    (all but the CR5, which goes to an agency, list them when the area has any)."""
    events = [
        e
        for e in case.timeline.order_by("at", "id")
        if "support" in e.summary.lower() or (e.detail or {}).get("support")
    ]
    entries = [_entry_for_event(e, case) for e in events]
    letters = getattr(case, "letters", None)
    if letters is not None:
        from letters.context import support_services

        services = support_services(case)
        if services:
            names = ", ".join(s.get("name", "") for s in services if s.get("name"))
            for letter in letters.exclude(kind="CR5").order_by("sent_at", "id"):
                entries.append(
                    EvidenceEntry(
                        label=f"Support services listed in the {_letter_name(letter)}",
                        detail=names,
                        on=timezone.localdate(letter.sent_at),
                    )
                )
    return entries


def _letter_name(letter) -> str:
    """A letter in words: "CR3a letter (appeal received) of 3 December 2026, sent by email"."""
    return (
        f"{letter.get_kind_display()} letter of {timezone.localdate(letter.sent_at):%-d %B %Y}"
        f" to {letter.recipient_name}, sent by {letter.get_channel_display().lower()}"
    )


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
    """Letters and emails with the applicant, each named by its letter and date."""
    from asbcr.templatetags.words import event_summary

    entries = []
    letters = getattr(case, "letters", None)
    letter_ids = set()
    if letters is not None:
        for letter in letters.exclude(kind="CR5").order_by("sent_at", "id"):
            letter_ids.add(letter.pk)
            entries.append(
                EvidenceEntry(
                    label=_letter_name(letter)[0].upper() + _letter_name(letter)[1:],
                    detail=letter.note,
                    on=timezone.localdate(letter.sent_at),
                )
            )
    for event in _events(case, EventKind.LETTER, EventKind.EMAIL, EventKind.CONTACT_ATTEMPT):
        detail = event.detail or {}
        letter_id = detail.get("letter_id") or detail.get("letter")
        if letter_id in letter_ids and not event.summary.startswith("The applicant"):
            continue  # the letter itself is listed above
        entries.append(
            EvidenceEntry(
                label=event_summary(event),
                detail=event.reason,
                url=_case_url(case) + f"#event-{event.pk}",
                on=timezone.localdate(event.at),
            )
        )
    return sorted(entries, key=lambda e: e.on or dt.date.min)


def _action_plan(case) -> list[EvidenceEntry]:
    """Without the panels app: the actions as the timeline recorded them."""
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
    "support": support_offered,
    "minutes": _minutes,
    "correspondence": _correspondence,
    "action_plan": _action_plan,
    "action_plan_update": lambda case: [],
    "other": _other,
    "after_closure": _after_closure,
}


STATUS_WORDS = {
    "met": "Met",
    "late": "Late",
    "breached": "Breached",
    "open": "Open",
    "waived": "Waived",
    "not_started": "Not yet started",
}


def _deadline_row(d, today: dt.date) -> dict:
    if d.met_on:
        status = "met" if d.met_on <= d.due else "late"
    elif d.state == "waived":
        status = "waived"
    elif d.due < today:
        status = "breached"
    else:
        status = "open"
    return {
        "rule": d.rule,
        "started_on": d.started_on,
        "due": d.due,
        "done": d.met_on,
        "status": status,
        "status_words": STATUS_WORDS[status],
        "note": d.delay_reason or d.waived_reason,
    }


def _not_started(rule: str, within: str) -> dict:
    return {
        "rule": rule,
        "started_on": None,
        "due": None,
        "done": None,
        "status": "not_started",
        "status_words": STATUS_WORDS["not_started"],
        "note": f"Within {within} once it starts" if within else "",
    }


def _within(amount, unit) -> str:
    from letters.context import period

    return period(amount, unit) if amount is not None and unit else ""


def _stage_row(stage, today: dt.date) -> dict:
    status = stage.status_on(today)
    status = {"due": "open", "waiting": "not_started"}.get(status, status)
    if status == "not_started":
        return _not_started(stage.rule, _within(stage.amount, stage.unit))
    return {
        "rule": stage.rule,
        "started_on": stage.starts_on,
        "due": stage.due_on,
        "done": stage.completed_on,
        "status": status,
        "status_words": STATUS_WORDS[status],
        "note": stage.delay_reason,
    }


def deadline_rows(
    case, *, today: dt.date | None = None, appeal: Appeal | None = None
) -> list[dict]:
    """Every deadline of the procedure with met / late / breached / open / not yet started:
    the procedure's timescales in its order, then the appeal's stages (``appeal``, or the
    case's latest), then any other deadline of the case (actions). Each deadline once."""
    from deadlines.rules import timescales

    today = today or timezone.localdate()
    deadlines = list(integration.deadlines_for_case(case) or [])
    used: set[int] = set()
    started, waiting = [], []
    for scale in timescales(case.procedure_version.data):
        mine = [d for d in deadlines if d.step == scale.step and d.pk not in used]
        used.update(d.pk for d in mine)
        if mine:
            started.extend(_deadline_row(d, today) for d in mine)
        else:
            waiting.append(_not_started(scale.rule, _within(scale.amount, scale.unit)))
    # In the order they started (a stored procedure's mapping need not keep its order),
    # then those not yet started.
    rows = sorted(started, key=lambda r: (r["started_on"], r["due"])) + waiting
    appeal = appeal or case.appeals.order_by("-lodged_on", "-id").first()
    if appeal is not None:
        previous_done = True
        for stage in appeal.stages.order_by("order"):
            key = f"appeal-{appeal.pk}-{stage.key}"
            mine = [d for d in deadlines if d.key.startswith(key) and d.pk not in used]
            used.update(d.pk for d in mine)
            waiting = stage.runs_from == "previous" and not previous_done
            if mine:
                rows.extend(_deadline_row(d, today) for d in mine)
            elif waiting and not stage.completed_on:
                # Its clock starts when the stage before it is done.
                rows.append(_not_started(stage.rule, _within(stage.amount, stage.unit)))
            else:
                rows.append(_stage_row(stage, today))
            previous_done = stage.completed_on is not None
    rows.extend(_deadline_row(d, today) for d in deadlines if d.pk not in used)
    return rows


def _parts_missing(key: str, item: BundleItem, case) -> tuple[list[str], str]:
    """What an item that is on the record still lacks, and a reason the record gives for
    an item that is not (the officer is asked for the reason otherwise)."""
    missing: list[str] = []
    known = ""
    if key == "risk":
        decided_on = _threshold_decided_on(case)
        dates = [e.on for e in item.entries if e.on]
        if decided_on is None:
            if not dates:
                missing.append("a risk assessment before the threshold decision")
        else:
            if not any(d <= decided_on for d in dates):
                missing.append("a risk assessment before the threshold decision")
            reviewed = case.state != CaseState.THRESHOLD_NOT_MET
            if reviewed and not any(d > decided_on for d in dates):
                missing.append("a risk assessment during the review")
    elif key == "minutes":
        labels = " ".join(e.label for e in item.entries)
        details = " ".join(e.detail for e in item.entries)
        if "Minutes of the panel" not in labels:
            missing.append("the panel meeting minutes")
        elif "Attended:" not in details:
            missing.append("who attended the meeting")
        if not case.impact_statements.exists():
            missing.append("the victim's impact statement")
        if case.state == CaseState.THRESHOLD_NOT_MET and "Minutes of the panel" not in labels:
            known = "The threshold was not met, so no panel met."
    elif key == "after_closure" and _closed_on(case) is None:
        known = "The case review has not been closed, so nothing has come in after it."
    elif key == "action_plan" and not item.entries and case.state == CaseState.THRESHOLD_NOT_MET:
        known = "The threshold was not met, so there was no review and no action plan."
    elif key == "action_plan_update" and not item.entries:
        if case.state == CaseState.THRESHOLD_NOT_MET:
            known = "The threshold was not met, so there was no review and no action plan."
    return missing, known


def bundle_items(appeal: Appeal, *, today: dt.date | None = None) -> list[BundleItem]:
    """Appendix A, item by item, from the record: available, partly available (what is
    missing) or missing, with the officer's reason for what is not there."""
    case = appeal.case
    today = today or timezone.localdate()
    notes = {n.item: n.missing_reason for n in appeal.evidence_notes.all()}
    items = []
    for number, (key, title) in enumerate(ITEMS, start=1):
        item = BundleItem(key=key, number=number, title=title)
        if key == "timeline":
            item.rows = deadline_rows(case, today=today, appeal=appeal)
            not_started = sum(1 for r in item.rows if r["status"] == "not_started")
            if not_started:
                item.notes.append(f"{not_started} of the procedure's deadlines not yet started.")
        else:
            sources = _sources.get(key, [])
            # The timeline stands in for an app's own record only while it is not there.
            if not (sources and key in ("action_plan", "action_plan_update")):
                item.entries = list(BUILT_IN[key](case))
            added = [entry for source in sources for entry in source(case)]
            if sources and key == "minutes":
                # The panels app's minutes first, then the impact statements.
                statements = [e for e in item.entries if e.label.startswith("Impact statement")]
                item.entries = added + statements
            else:
                item.entries.extend(added)
        item.missing_parts, item.known_reason = _parts_missing(key, item, case)
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
    from letters.context import branding

    case = appeal.case
    return {
        "appeal": appeal,
        "case": case,
        "brand": branding(case.area),
        "items": bundle_items(appeal, today=today),
        "today": today or timezone.localdate(),
        "grounds": appeal.grounds_labels(),
        "attachments": bundle_attachments(case),
    }


BUNDLE_TEMPLATE = "appeals/bundle_pdf.html"


def render_bundle_pdf(context: dict) -> bytes:
    """The bundle as one PDF with a contents page (pure: context in, bytes out).

    The attached letters are separate PDFs joined after the bundle, so CSS's
    ``counter(pages)`` alone would count the bundle's pages only: with attachments the
    bundle is laid out once to count its pages, then again with the true total, and each
    attached page gets the same "Page n of N" footer stamped on.
    """
    from weasyprint import HTML

    from letters.rendering import BASE_URL, AppOnlyURLFetcher, html_to_pdf

    attachments = _readable(context.get("attachments") or [])
    if not attachments:
        return html_to_pdf(render_to_string(BUNDLE_TEMPLATE, {**context, "total_pages": 0}))
    extra = sum(len(reader.pages) for _label, reader in attachments)
    first = HTML(
        string=render_to_string(BUNDLE_TEMPLATE, {**context, "total_pages": 0}),
        base_url=BASE_URL,
        url_fetcher=AppOnlyURLFetcher(),
    ).render()
    own = len(first.pages)
    total = own + extra
    body = html_to_pdf(render_to_string(BUNDLE_TEMPLATE, {**context, "total_pages": total}))
    footers = html_to_pdf(_footer_html(context["case"].reference, own, total))
    return _append(body, attachments, footers)


def _readable(attachments: list[tuple[str, bytes]]) -> list[tuple[str, object]]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    readable = []
    for label, data in attachments:
        try:
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages):
                readable.append((label, reader))
        except (PdfReadError, ValueError, OSError):
            continue
    return readable


def _footer_html(reference: str, own: int, total: int) -> str:
    """One blank A4 page per attached page, each with its "Page n of N" footer."""
    from django.utils.html import escape

    pages = "".join(
        f'<div class="p"><span class="n">Page {n} of {total}</span></div>'
        for n in range(own + 1, total + 1)
    )
    font = '"Liberation Sans", Arial, Helvetica, sans-serif'
    return (
        "<!doctype html><html><head><style>"
        # Below the attached letter's own footer, which sits higher in its margin.
        f"@page {{ size: A4; margin: 20mm 18mm 6mm; "
        f"@bottom-right {{ content: string(n); font-family: {font}; font-size: 8pt; "
        "color: #505a5f; vertical-align: bottom; } "
        f'@bottom-left {{ content: "{escape(reference)} evidence bundle: attached document"; '
        f"font-family: {font}; font-size: 8pt; color: #505a5f; vertical-align: bottom; }} }}"
        ".n { string-set: n content(); display: block; height: 0; overflow: hidden; "
        "font-size: 0; } .p { page-break-after: always; } .p:last-child "
        "{ page-break-after: auto; }"
        f"</style></head><body>{pages}</body></html>"
    )


def _append(body: bytes, attachments: list[tuple[str, object]], footers: bytes) -> bytes:
    """The attached documents after the bundle, each with a bookmark and a footer."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(body)))
    stamps = PdfReader(io.BytesIO(footers)).pages
    for label, reader in attachments:
        writer.append(reader, outline_item=label)
    for page, stamp in zip(writer.pages[len(writer.pages) - len(stamps) :], stamps, strict=True):
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def example_pdf() -> bytes | None:
    """The evidence bundle of a demo escalation (``manage.py letter_examples``)."""
    appeal = (
        Appeal.objects.filter(case__area__slug="devon-and-cornwall").first()
        or Appeal.objects.first()
    )
    return render_bundle_pdf(bundle_context(appeal)) if appeal else None
