"""The chair's pack, built once as data: an ordered list of sections, each with a title and
its content blocks. The screen page (``panels/chairs_pack.html``) and the PDF
(``letters/chairs_pack.html``) both render these sections through one partial
(``panels/_pack_sections.html``), so they cannot drift apart.

The pack is for the panel. It shows every action, including those withheld from the
victim, each marked with ``WITHHELD_MARK``; the redaction rule
(``panels.selectors.actions_for_victim``) keeps those out of everything the applicant
sees, and only there. Who may open the pack is ``panels.selectors.can_see_chairs_pack``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from asbcr.templatetags.words import long_date, long_datetime
from cases.constants import RiskSubject
from cases.models import Case
from panels.constants import MemberRole

WITHHELD_MARK = "Withheld from the applicant: identifies the perpetrator's protected data"

# The pack's sections, in the order a chair reads them (issue 20).
SECTION_TITLES: list[tuple[str, str]] = [
    ("application", "The application"),
    ("wishes", "The victim's wishes"),
    ("impact", "The impact statement"),
    ("incidents", "Incidents and the threshold decision"),
    ("responses", "Agency responses"),
    ("risk", "Risk assessments"),
    ("interim", "Interim actions"),
    ("previous", "Previous reviews and appeals"),
    ("plan", "The action plan"),
    ("enforcement", "Enforcement options"),
    ("terms", "Terms of reference"),
    ("attendance", "Attendance and declarations"),
]


@dataclass
class Cell:
    """One piece of text, with a link on screen (the PDF shows the text only) and an
    optional mark shown in bold under it."""

    text: str
    url: str = ""
    mark: str = ""
    user_text: bool = False  # authored by a user: line breaks kept


@dataclass
class Block:
    """``facts`` (label/value rows), ``table`` (headers and rows), ``list``, ``para``
    (words of ours) or ``text`` (words a user wrote), with an optional sub-heading."""

    kind: str
    heading: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    items: list[Cell] = field(default_factory=list)
    text: str = ""


@dataclass
class PackSection:
    key: str
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


def _c(text, url: str = "", mark: str = "", user_text: bool = False) -> Cell:
    return Cell(text="" if text is None else str(text), url=url, mark=mark, user_text=user_text)


def _yes_no(value, *, asked: str = "Not asked") -> str:
    return asked if value is None else ("Yes" if value else "No")


def _short(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "–"


def _application(case: Case, officer) -> list[Block]:
    applicant = case.applicant
    victim = case.victim
    facts = [
        [_c("Received"), _c(f"{long_date(case.received_on)} ({case.get_channel_display()})")],
        [
            _c("Applicant"),
            _c(
                f"{applicant.name} ({case.get_applicant_type_display()}"
                + (f", {case.get_relationship_display()}" if case.relationship else "")
                + ")"
            ),
        ],
        [
            _c("Victim"),
            _c(
                victim.name
                + (f"\n{victim.address} {victim.postcode}".rstrip() if victim.address else ""),
                user_text=True,
            ),
        ],
    ]
    if victim.accessibility_needs:
        facts.append([_c("Accessibility"), _c(victim.accessibility_needs, user_text=True)])
    if victim.vulnerability_notes:
        facts.append([_c("Vulnerability"), _c(victim.vulnerability_notes, user_text=True)])
    facts.append(
        [
            _c("Case officer"),
            _c(f"{officer.name}, {officer.agency}" if officer else "Not allocated"),
        ]
    )
    facts.append([_c("Where the case is"), _c(case.get_state_display())])
    blocks = [
        Block("facts", rows=facts),
        Block("text", heading="The applicant's account", text=case.summary),
    ]
    if case.impact:
        blocks.append(
            Block("text", heading="Impact, as described on the application", text=case.impact)
        )
    perpetrators = list(case.perpetrators.all())
    if perpetrators:
        blocks.append(
            Block(
                "list",
                heading="People the ASB is attributed to",
                items=[
                    _c(
                        str(p)
                        + (" (under 18)" if p.under_18 else "")
                        + (f": {p.description}" if p.description else ""),
                        user_text=True,
                    )
                    for p in perpetrators
                ],
            )
        )
    return blocks


def _advocate(case: Case, listings) -> str:
    names = []
    if case.applicant_id != case.victim_id and case.applicant_type != "victim":
        names.append(
            f"{case.applicant.name} applied on the victim's behalf"
            + (f" ({case.get_relationship_display().lower()})" if case.relationship else "")
        )
    for listing in listings:
        if listing.victim_attendance == "advocate":
            names.append(
                f"{listing.victim_attendee_name or 'An advocate'} attended the meeting of "
                f"{long_date(timezone.localdate(listing.meeting.starts_at))} for them"
            )
    return "; ".join(names) or "None recorded"


def _wishes(case: Case, listings) -> list[Block]:
    rows = [
        [_c("Wants to attend the meeting"), _c(_yes_no(case.wants_to_attend))],
        [_c("Wants to send an impact statement"), _c(_yes_no(case.wants_to_send_statement))],
        [_c("Advocate or representative"), _c(_advocate(case, listings))],
    ]
    for listing in listings:
        if listing.victim_attendance:
            rows.append(
                [
                    _c(
                        f"At the meeting of {long_date(timezone.localdate(listing.meeting.starts_at))}"
                    ),
                    _c(listing.get_victim_attendance_display()),
                ]
            )
    return [Block("facts", rows=rows)]


def _impact(case: Case) -> list[Block]:
    blocks = []
    for statement in case.impact_statements.all():
        heading = f"{statement.get_source_display()}, {long_date(statement.received_on)}" + (
            f" ({statement.given_by})" if statement.given_by else ""
        )
        blocks.append(Block("text", heading=heading, text=statement.text))
        if statement.attachment:
            name = statement.attachment_name or "the file sent online"
            blocks.append(
                Block(
                    "list",
                    items=[
                        _c(
                            f"With a file: {name}",
                            url=reverse(
                                "cases:impact_statement_download",
                                args=[case.reference, statement.pk],
                            ),
                        )
                    ],
                )
            )
    if not blocks:
        blocks.append(Block("para", text="No impact statement received yet."))
    files = list(case.evidence_files.select_related("incident"))
    blocks.append(
        Block(
            "table",
            heading="Evidence files on the case record",
            headers=["File", "What it is", "Incident", "Added"],
            rows=[
                [
                    _c(
                        f.original_name,
                        url=reverse("cases:evidence_download", args=[case.reference, f.pk]),
                    ),
                    _c(f.description, user_text=True),
                    _c(_short(f.incident.incident_date) if f.incident else "–"),
                    _c(_short(timezone.localdate(f.uploaded_at))),
                ]
                for f in files
            ],
        )
        if files
        else Block("para", heading="Evidence files on the case record", text="None attached.")
    )
    return blocks


def _incidents(case: Case) -> list[Block]:
    from thresholds.selectors import threshold_explanation

    incidents = list(case.incidents.select_related("reported_to").order_by("incident_date", "id"))
    rows = [
        [
            _c(_short(i.incident_date)),
            _c(_short(i.reported_date)),
            _c(
                (i.reported_to.name if i.reported_to_id else "–")
                + (f" ({i.agency_reference})" if i.agency_reference else "")
            ),
            _c(
                i.description
                + (" (same incident as an earlier report)" if i.same_incident_as_id else ""),
                user_text=True,
            ),
            _c("Yes" if i.hate_motivated else "No"),
        ]
        for i in incidents
    ]
    blocks = [
        Block(
            "table", headers=["Date", "Reported", "Reported to", "What happened", "Hate"], rows=rows
        )
        if rows
        else Block("para", text="No incidents recorded.")
    ]
    explanation = threshold_explanation(case)
    blocks.append(
        Block("text", heading="The threshold decision and its reasons", text=explanation)
        if explanation
        else Block(
            "para",
            heading="The threshold decision and its reasons",
            text="No threshold decision is recorded yet.",
        )
    )
    return blocks


def _responses(case: Case) -> list[Block]:
    blocks = []
    for inv in case.involvements.select_related("agency").order_by("agency__name"):
        heading = f"{inv.agency.name} ({inv.get_role_display()})" + (
            ", directly involved" if inv.direct_involvement else ""
        )
        if inv.response_received_on:
            blocks.append(
                Block(
                    "facts",
                    heading=heading,
                    rows=[
                        [_c("Response received"), _c(long_date(inv.response_received_on))],
                        [_c("Reports held"), _c(inv.reports_held or "None given.", user_text=True)],
                        [
                            _c("Actions taken"),
                            _c(inv.actions_taken or "None given.", user_text=True),
                        ],
                    ],
                )
            )
        else:
            asked = f" (asked on {long_date(inv.notified_on)})" if inv.notified_on else ""
            blocks.append(Block("para", heading=heading, text=f"No response received{asked}."))
    return blocks or [Block("para", text="No agencies are involved yet.")]


def _risk(case: Case) -> list[Block]:
    assessments = list(case.risk_assessments.order_by("-assessed_on", "-id"))
    latest = {}
    for a in assessments:
        latest.setdefault(a.subject, a)
    rows = []
    for subject in (RiskSubject.VICTIM, RiskSubject.PERPETRATOR):
        a = latest.get(subject)
        rows.append(
            [
                _c(subject.label),
                _c(
                    f"{a.get_level_display()} (score {a.score}, {long_date(a.assessed_on)})"
                    + (f". {a.notes}" if a.notes else "")
                    if a
                    else "No assessment recorded",
                    user_text=True,
                ),
            ]
        )
    blocks = [Block("facts", heading="Latest", rows=rows)]
    if assessments:
        blocks.append(
            Block(
                "table",
                heading="History",
                headers=["Date", "Subject", "Matrix", "Score", "Level"],
                rows=[
                    [
                        _c(_short(a.assessed_on)),
                        _c(a.get_subject_display()),
                        _c(a.matrix),
                        _c(a.score),
                        _c(a.get_level_display()),
                    ]
                    for a in assessments
                ],
            )
        )
    return blocks


def _action_rows(actions) -> list[list[Cell]]:
    return [
        [
            _c(a.what, mark=WITHHELD_MARK if a.withhold_from_victim else "", user_text=True),
            _c(a.why, user_text=True),
            _c(f"{a.agency} ({a.owner})"),
            _c(_short(a.due_on)),
            _c(a.get_status_display() + (f": {a.status_reason}" if a.status_reason else "")),
        ]
        for a in actions
    ]


ACTION_HEADERS = ["Action", "Why", "Owner", "Due", "Where it is"]


def _interim(actions) -> list[Block]:
    interim = [a for a in actions if a.interim]
    if not interim:
        return [Block("para", text="No interim actions.")]
    return [Block("table", headers=ACTION_HEADERS, rows=_action_rows(interim))]


def _previous(case: Case) -> list[Block]:
    """Earlier cases on the same victim, or on a location of this case's incidents, in the
    same area: their reference, dates and where they got to, never another person's name."""
    from cases.selectors import possible_repeat_applications

    same_victim = {c.pk for c in possible_repeat_applications(case)}
    locations = {
        loc.strip().lower()
        for loc in case.incidents.exclude(location="").values_list("location", flat=True)
        if loc.strip()
    }
    location_q = Q()
    for loc in locations:
        location_q |= Q(incidents__location__iexact=loc)
    same_place = set()
    if locations:
        same_place = set(
            Case.objects.filter(area_id=case.area_id)
            .filter(location_q)
            .exclude(pk=case.pk)
            .values_list("pk", flat=True)
        )
    ids = same_victim | same_place
    if not ids:
        return [Block("para", text="No earlier case review on the same victim or location.")]
    rows = []
    for other in (
        Case.objects.filter(pk__in=ids).prefetch_related("appeals").order_by("-received_on", "-id")
    ):
        why = " and ".join(
            w
            for w, on in (
                ("same victim", other.pk in same_victim),
                ("same location", other.pk in same_place),
            )
            if on
        )
        appeals = "; ".join(
            f"lodged {long_date(a.lodged_on)}: "
            + (a.get_outcome_display() if a.outcome else a.get_status_display())
            for a in other.appeals.all()
        )
        rows.append(
            [
                _c(other.reference, url=reverse("cases:detail", args=[other.reference])),
                _c(long_date(other.received_on)),
                _c(why),
                _c(other.get_state_display()),
                _c(appeals or "None"),
            ]
        )
    return [
        Block(
            "table",
            headers=["Case", "Received", "Why listed", "Where it got to", "Appeals"],
            rows=rows,
        )
    ]


def _plan(actions) -> list[Block]:
    planned = [a for a in actions if a.listing_id is not None]
    if not planned:
        return [Block("para", text="No actions are agreed yet.")]
    return [Block("table", headers=ACTION_HEADERS, rows=_action_rows(planned))]


def _attendance(listing) -> list[Block]:
    if listing is None:
        return [Block("para", text="The case is not listed for a meeting yet.")]
    members = list(listing.members.select_related("user", "agency"))
    heading = f"{listing.meeting}" + (
        f", {listing.meeting.location}" if listing.meeting.location else ""
    )
    if not members:
        return [Block("para", heading=heading, text="No one is on the panel yet.")]
    order = {
        MemberRole.CHAIR: 0,
        MemberRole.MEMBER: 1,
        MemberRole.ADVISER: 2,
        MemberRole.MINUTE_TAKER: 3,
    }
    members.sort(key=lambda m: (order.get(m.role, 9), m.agency.name, str(m.user)))
    return [
        Block(
            "table",
            heading=heading,
            headers=["Name", "Agency", "Role", "Attendance", "Declaration"],
            rows=[
                [
                    _c(m.user),
                    _c(m.agency.name),
                    _c(m.get_role_display()),
                    _c(m.get_attendance_display()),
                    _c(f"Signed {long_datetime(m.declared_at)}" if m.declared_at else "Not signed"),
                ]
                for m in members
            ],
        )
    ]


def chairs_pack_sections(case: Case) -> list[PackSection]:
    """The chair's pack for ``case``, section by section in the order a chair reads it."""
    from cases.selectors import officer_details
    from panels.models import Action
    from panels.selectors import current_listing

    procedure = case.procedure_version
    listings = list(
        case.panel_listings.select_related("meeting").order_by("meeting__starts_at", "id")
    )
    actions = list(
        Action.objects.filter(case=case).select_related("agency", "owner").order_by("due_on", "id")
    )
    options = list(procedure.section("enforcement_options", []) or [])
    terms = procedure.data.get("terms_of_reference") or ""
    build = {
        "application": lambda: _application(case, _Officer.of(officer_details(case))),
        "wishes": lambda: _wishes(case, listings),
        "impact": lambda: _impact(case),
        "incidents": lambda: _incidents(case),
        "responses": lambda: _responses(case),
        "risk": lambda: _risk(case),
        "interim": lambda: _interim(actions),
        "previous": lambda: _previous(case),
        "plan": lambda: _plan(actions),
        "enforcement": lambda: [
            Block("list", items=[_c(o) for o in options])
            if options
            else Block("para", text="The procedure lists none.")
        ],
        "terms": lambda: [
            Block("text", text=terms) if terms else Block("para", text="The procedure sets none.")
        ],
        "attendance": lambda: _attendance(current_listing(case)),
    }
    return [
        PackSection(key=key, number=number, title=title, blocks=build[key]())
        for number, (key, title) in enumerate(SECTION_TITLES, start=1)
    ]


@dataclass
class _Officer:
    name: str
    agency: str

    @classmethod
    def of(cls, details: dict | None):
        return cls(details["name"], details["agency"]) if details else None
