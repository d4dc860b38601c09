"""The staff case page and its sub-pages: summary, incidents, agency responses, threshold,
panel, letters, appeals and timeline, each with its own URL.

Every page goes through ``selectors.case_get`` (the visibility rule) and writes to the
access log, as the case page always has. Sections other apps contribute
(``cases.hooks.case_section``) appear on the sub-page they were registered for, so a page
runs only its own sections' queries.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from asbcr.forms import submitted
from cases import hooks, selectors, services
from cases.constants import AccessKind, EventKind
from cases.steps import task_list
from partnerships.procedures import version_problems

TABS = [
    ("summary", "Summary", "cases:detail"),
    ("incidents", "Incidents", "cases:incidents"),
    ("responses", "Agency responses", "cases:responses"),
    ("threshold", "Threshold", "cases:threshold"),
    ("panel", "Panel", "cases:panel"),
    ("letters", "Letters", "cases:letters"),
    ("appeals", "Appeals", "cases:appeals"),
    ("timeline", "Timeline", "cases:timeline"),
]
TAB_LABELS = {key: label for key, label, _ in TABS}

TRANSITION_LABELS = {
    "acknowledge": ("Acknowledge the application", False),
    "start_gathering": ("Ask the relevant bodies for their responses", False),
    "refer_back": ("Refer back as out of scope", True),
    "withdraw": ("Withdraw the application", True),
    "arrange_panel": ("Mark the panel as arranged", False),
    "arrange_panel_for_decision": ("Arrange the core panel to decide the threshold", False),
    "start_monitoring": ("Start monitoring the action plan", False),
    "close": ("Close the case", True),
    "reconsider_threshold": ("Gather information again and re-take the threshold decision", False),
}
"""Transitions run from the case page. Threshold decisions and appeals have their own pages."""

DONE_BY_EVIDENCE = {
    "record_review": (
        "The review is recorded when the action plan is made final on the panel page, "
        "after the minutes are recorded and the victim has been consulted on the draft plan."
    ),
    "send_outcome": (
        "The outcome is recorded as sent when you send the outcome letter from the "
        "Letters page: there is no separate step."
    ),
}
"""Transitions the case page no longer offers as a button: what proves them does them."""

OFFERED_ELSEWHERE = {"acknowledge", "start_gathering", "start_monitoring", "close"}
"""Transitions the task list offers at their place in the procedure (acknowledging is
offered together with the CR1 letter, which is what meets its deadline)."""


def _page(request, reference, tab: str):
    """The case (visible to this user or 404), with the access-log entry written."""
    case = selectors.case_get(user=request.user, reference=reference)
    services.access_log_record(
        user=request.user,
        kind=AccessKind.VIEW_CASE,
        case=case,
        target="" if tab == "summary" else f"Case page: {TAB_LABELS[tab].lower()}",
    )
    return case


def _render(request, case, tab: str, template: str, context: dict):
    problems = version_problems(case.procedure_version)
    sections = [] if problems else hooks.case_sections(case, request.user, tab=tab)
    return render(
        request,
        template,
        {
            "case": case,
            "tab": tab,
            "tab_label": TAB_LABELS[tab],
            "tabs": TABS,
            "sections": sections,
            "procedure_problems": problems,
            **context,
        },
    )


def _transitions(case, user) -> list[tuple[str, str, bool]]:
    return [
        (name, *TRANSITION_LABELS[name])
        for name in services.available_transitions(case, user)
        if name in TRANSITION_LABELS and name not in OFFERED_ELSEWHERE
    ]


@login_required
def case_detail_view(request, reference):
    """The summary: the task list with the next step as the primary button, and the card."""
    case = _page(request, reference, "summary")
    user = request.user
    problems = version_problems(case.procedure_version)
    tasks = None if problems else task_list(case=case, user=user)
    return _render(
        request,
        case,
        "summary",
        "cases/detail.html",
        {
            "tasks": tasks,
            "transitions": _transitions(case, user),
            "can_manage": user.has_perm("cases.manage_case", case),
            "can_respond": user.has_perm("cases.respond_for_agency", case)
            or user.has_perm("cases.manage_case", case),
            "risk_latest": case.risk_assessments.select_related("created_by").first(),
            "repeats": list(selectors.possible_repeat_applications(case)),
            "impact_statements": list(case.impact_statements.all()),
            "contacts": _contacts(case),
            "can_assess_risk": user.has_perm("cases.assess_risk", case),
            "risk_matrices": []
            if problems
            else case.procedure_version.data.get("risk_matrices", []),
        },
    )


def _contacts(case) -> list:
    """The victim and, when someone applied for them, the applicant."""
    people = [("Victim", case.victim)]
    if case.applicant_id != case.victim_id:
        people.append((f"Applicant ({case.get_relationship_display().lower()})", case.applicant))
    return people


@login_required
def case_incidents_view(request, reference):
    case = _page(request, reference, "incidents")
    user = request.user
    return _render(
        request,
        case,
        "incidents",
        "cases/incidents.html",
        {
            "incidents": list(
                case.incidents.select_related("reported_to", "same_incident_as").order_by(
                    "incident_date", "id"
                )
            ),
            "perpetrators": list(case.perpetrators.all()),
            "evidence_files": list(case.evidence_files.select_related("incident", "uploaded_by")),
            "can_add": user.has_perm("cases.manage_case", case)
            or user.has_perm("cases.respond_for_agency", case),
        },
    )


@login_required
def case_responses_view(request, reference):
    case = _page(request, reference, "responses")
    user = request.user
    return _render(
        request,
        case,
        "responses",
        "cases/responses.html",
        {
            "involvements": list(selectors.agencies_involved(case).select_related("responded_by")),
            "can_respond": user.has_perm("cases.respond_for_agency", case)
            or user.has_perm("cases.manage_case", case),
        },
    )


@login_required
def case_threshold_tab_view(request, reference):
    case = _page(request, reference, "threshold")
    return _render(
        request,
        case,
        "threshold",
        "cases/tab.html",
        {
            "exclusion_checks": list(case.exclusion_checks.select_related("created_by")),
            "can_manage": request.user.has_perm("cases.manage_case", case),
        },
    )


def _section_tab(tab: str):
    @login_required
    def view(request, reference):
        case = _page(request, reference, tab)
        return _render(request, case, tab, "cases/tab.html", {})

    view.__name__ = f"case_{tab}_tab_view"
    view.__doc__ = f"The case's {TAB_LABELS[tab].lower()}, from the apps that hold them."
    return view


case_panel_tab_view = _section_tab("panel")
case_letters_tab_view = _section_tab("letters")
case_appeals_tab_view = _section_tab("appeals")


@login_required
def case_timeline_view(request, reference):
    case = _page(request, reference, "timeline")
    kind = submitted(request.GET, "kind")
    if kind and kind not in EventKind.values:
        kind = ""
    return _render(
        request,
        case,
        "timeline",
        "cases/timeline.html",
        {
            "timeline": list(selectors.timeline_for(case=case, kind=kind or None)),
            "timeline_kind": kind,
            "event_kinds": EventKind.choices,
        },
    )
