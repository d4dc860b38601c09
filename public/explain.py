"""Plain-English, translatable explanations for applicants: the area's threshold, the
state of a case, and periods of time. Pure functions over procedure data."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.constants import CaseState
from thresholds.conditions import compile_route, conditions_of

FACTORS = {
    "persistence": lambda: _("how long the anti-social behaviour has gone on"),
    "harm": lambda: _("the harm, or possible harm, it causes"),
    "adequacy_of_response": lambda: _("whether the response to your reports was good enough"),
    "cumulative_impact": lambda: _("the effect of everything that has happened taken together"),
    "risk": lambda: _("the risk to you"),
    "vulnerability": lambda: _("whether you are vulnerable"),
    "hate": lambda: _("whether it was motivated by hate"),
}


def period(value: dict | None) -> str:
    """'6 months', '30 days', '5 working days' from a procedure {amount, unit}."""
    if not value:
        return ""
    amount, unit = int(value.get("amount", 0)), value.get("unit", "days")
    if unit == "months":
        return ngettext("%(n)d month", "%(n)d months", amount) % {"n": amount}
    if unit == "weeks":
        return ngettext("%(n)d week", "%(n)d weeks", amount) % {"n": amount}
    if unit == "working_days":
        return ngettext("%(n)d working day", "%(n)d working days", amount) % {"n": amount}
    return ngettext("%(n)d day", "%(n)d days", amount) % {"n": amount}


def _condition_set_sentences(route: dict) -> list[str]:
    """A route written as a set of conditions (``kind: all_of``), every one in words."""
    try:
        spec = compile_route(route)
    except (KeyError, TypeError, ValueError):
        return []
    window = period(spec.window)
    if spec.anchor == "application":
        when = _("in the %(window)s before you apply") % {"window": window}
    elif spec.anchor == "first_incident":
        when = _("within %(window)s of the first incident") % {"window": window}
    else:
        when = _("within any %(window)s") % {"window": window}
    lines = []
    if spec.incidents:
        lines.append(
            ngettext(
                "At least %(n)d incident was reported %(when)s.",
                "At least %(n)d separate incidents were reported %(when)s.",
                spec.incidents,
            )
            % {"n": spec.incidents, "when": when}
        )
    if spec.distinct_complainants:
        lines.append(
            ngettext(
                "At least %(n)d person or household reported it %(when)s.",
                "At least %(n)d different people or households reported it %(when)s.",
                spec.distinct_complainants,
            )
            % {"n": spec.distinct_complainants, "when": when}
        )
    if spec.hate_only:
        lines.append(_("Only incidents motivated by hate count."))
    if spec.same_complainant:
        lines.append(_("The reports were all made by the same person."))
    if spec.same_issue:
        lines.append(_("The incidents are about the same or a similar problem."))
    if spec.groups_by_location:
        lines.append(_("The incidents happened at the same place, or at places linked to it."))
    if spec.latest_within_of_request:
        lines.append(
            _("The latest incident happened in the %(p)s before you apply.")
            % {"p": period(spec.latest_within_of_request)}
        )
    return lines


def _route_sentences(route: dict) -> list[str]:
    kind = route.get("kind", "")
    if kind == "all_of":
        lines = _condition_set_sentences(route)
        # the timing conditions below read the shorthand names
        route = {**conditions_of(route), "kind": kind}
        route["require_persisting"] = route.pop("still_persisting", False)
        return lines + _route_sentences({**route, "kind": "_"})
    lines: list[str] = []
    count = route.get("count")
    window = period(route.get("window"))
    if kind == "complaints_in_window" and count:
        if route.get("same_issue"):
            lines.append(
                ngettext(
                    "You have reported at least %(n)d incident about the same or a similar "
                    "problem in the %(window)s before you apply.",
                    "You have reported at least %(n)d separate incidents about the same or a "
                    "similar problem in the %(window)s before you apply.",
                    count,
                )
                % {"n": count, "window": window}
            )
        else:
            lines.append(
                ngettext(
                    "You have reported at least %(n)d incident of anti-social behaviour in "
                    "the %(window)s before you apply.",
                    "You have reported at least %(n)d separate incidents of anti-social "
                    "behaviour in the %(window)s before you apply.",
                    count,
                )
                % {"n": count, "window": window}
            )
    elif kind in ("distinct_complainants", "community") and (
        route.get("distinct_complainants") or count
    ):
        # A community route states how many different people must have reported it
        # (``distinct_complainants``); ``count`` is refused on it since procedures are
        # validated against the fields each kind uses, but older stored versions had it.
        people = route.get("distinct_complainants") or count
        lines.append(
            _(
                "At least %(n)d different people or households have reported the same or a "
                "similar problem in %(window)s."
            )
            % {"n": people, "window": window or _("the same period")}
        )
    elif "hate" in kind:
        lines.append(_("A single incident motivated by hate can be enough."))
    elif route.get("description") or route.get("label"):
        lines.append(str(route.get("description") or route.get("label")))
    if route.get("report_lag"):
        lines.append(
            _("Each incident was reported within %(lag)s of it happening.")
            % {"lag": period(route["report_lag"])}
        )
    if route.get("application_within_of_latest"):
        lines.append(
            _("You apply within %(p)s of the latest incident you reported.")
            % {"p": period(route["application_within_of_latest"])}
        )
    if route.get("require_persisting"):
        lines.append(_("The anti-social behaviour is still happening."))
    if route.get("same_incident_counts_once"):
        lines.append(
            _("The same incident reported to more than one organisation counts as one incident.")
        )
    if "diary_sheet" in (route.get("exclude_kinds") or []):
        lines.append(_("Entries in a diary sheet do not count as reports."))
    return lines


def threshold_summary(section: dict | None) -> dict:
    """The area's threshold in plain English: the routes, and the discretion the bodies have."""
    section = section or {}
    routes = [
        lines for route in section.get("routes", []) if (lines := _route_sentences(route or {}))
    ]
    factors = [
        FACTORS[f]() if f in FACTORS else str(f) for f in section.get("discretionary_factors", [])
    ]
    return {
        "routes": routes,
        "factors": factors,
        "senior_manager_route": bool(section.get("senior_manager_route")),
    }


def state_explanation(state: str) -> tuple[str, str]:
    """What a case state means to the applicant: a heading and one paragraph."""
    S = CaseState
    texts = {
        S.RECEIVED: (
            _("We have received your application"),
            _("We will write to you to confirm we have it and explain what happens next."),
        ),
        S.ACKNOWLEDGED: (
            _("We have confirmed your application"),
            _("We are checking your application and will ask the organisations for their records."),
        ),
        S.GATHERING_INFORMATION: (
            _("We are collecting information"),
            _(
                "The organisations involved are telling us what reports they hold and what they "
                "have done. Then we will decide whether your case meets the threshold for a review."
            ),
        ),
        S.THRESHOLD_MET: (
            _("Your case meets the threshold for a review"),
            _(
                "We are arranging a review meeting. We will contact you about how you want to take part."
            ),
        ),
        S.THRESHOLD_NOT_MET: (
            _("Your case does not meet the threshold for a review"),
            _(
                "We have written to you with the reasons and what else will be done. "
                "If you disagree, you can ask for an appeal."
            ),
        ),
        S.WITHDRAWN: (
            _("Your application has been withdrawn"),
            _("We have written to you to explain why. Contact us if you think this is wrong."),
        ),
        S.REFERRED_BACK: (
            _("Your application cannot be handled as a case review"),
            _("We have written to you to explain why and what you can do instead."),
        ),
        S.PANEL_ARRANGED: (
            _("A review meeting has been arranged"),
            _("The organisations will meet to review your case and agree what to do."),
        ),
        S.REVIEWED: (
            _("Your case has been reviewed"),
            _("We will write to you with the outcome and the actions that were agreed."),
        ),
        S.OUTCOME_SENT: (
            _("We have sent you the outcome of the review"),
            _("If you are not satisfied with the outcome, you can ask for an appeal."),
        ),
        S.MONITORING: (
            _("The agreed actions are being carried out"),
            _("We are checking that each organisation does what it agreed to do."),
        ),
        S.CLOSED: (
            _("Your case is closed"),
            _("Contact us if the anti-social behaviour starts again."),
        ),
        S.REOPENED: (
            _("Your case has been reopened after an appeal"),
            _("The organisations are looking at your case again."),
        ),
    }
    return texts.get(state, (_("We are working on your case"), ""))


def next_step_text(step: str) -> str | None:
    """What an open deadline means to the applicant, for the steps they wait on.

    Deadlines between agencies (their responses, minutes) are not the applicant's business."""
    texts = {
        "acknowledge": _("We will confirm we have your application"),
        "threshold_decision": _("We will tell you whether your case meets the threshold"),
        "victim_contact": _("Your case officer will contact you"),
        "meeting": _("The review meeting will be held"),
        "panel": _("The review meeting will be held"),
        "outcome": _("We will tell you the outcome of the review"),
        "withdrawal_letter": _("We will write to you about the withdrawal"),
        "appeal_window": _("Last day to ask for an appeal"),
    }
    return texts.get(step)


def appeal_requested_explanation() -> tuple[str, str]:
    """The status once the applicant has asked for an appeal (on the tracking page)."""
    return (
        _("You have asked for an appeal"),
        _(
            "We have your request. Someone who was not involved in your case will look at "
            "it. We will write to you with the result."
        ),
    )
