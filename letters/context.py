"""What the case-stage letters say: one context builder per letter, from the case, its
procedure version and the area's letter settings. Pure reads; rendering and sending
live in ``letters.rendering`` and ``letters.services``. Each app's part of a letter comes
from that app: panels and thresholds through their selectors (they sit below letters),
appeals by registering its lookup (it sits above).

Every builder returns a plain dict for a template under ``templates/letters/``. User
text goes in as text and is escaped by the template.
"""

import base64
import datetime as dt
import mimetypes

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.constants import CaseState, InvolvementRole
from cases.models import Case, TimelineEvent
from cases.selectors import officer_details  # noqa: F401 (re-exported for the letters)
from letters.constants import LetterKind
from thresholds.selectors import threshold_explanation  # noqa: F401 (re-exported)

S = CaseState

# Which letters fit which case states (the case page offers these).
LETTER_STATES = {
    LetterKind.CR1: {S.RECEIVED, S.ACKNOWLEDGED, S.GATHERING_INFORMATION},
    LetterKind.CR5: {S.ACKNOWLEDGED, S.GATHERING_INFORMATION, S.REOPENED},
    LetterKind.OFFICER: {
        S.ACKNOWLEDGED,
        S.GATHERING_INFORMATION,
        S.THRESHOLD_MET,
        S.PANEL_ARRANGED,
        S.REOPENED,
    },
    # A delay can be on the case's own timescales or on an appeal's stages.
    LetterKind.DELAY: set(S) - {S.WITHDRAWN, S.REFERRED_BACK},
    LetterKind.CR3: {S.THRESHOLD_NOT_MET},
    LetterKind.CR4: {S.THRESHOLD_MET, S.PANEL_ARRANGED},
    LetterKind.WITHDRAWAL: {S.WITHDRAWN},
    LetterKind.OUTCOME: {S.REVIEWED, S.OUTCOME_SENT, S.MONITORING},
    LetterKind.CR3A: {S.THRESHOLD_NOT_MET, S.OUTCOME_SENT, S.MONITORING, S.CLOSED, S.REOPENED},
    LetterKind.APPEAL_OUTCOME: {
        S.THRESHOLD_NOT_MET,
        S.OUTCOME_SENT,
        S.MONITORING,
        S.CLOSED,
        S.REOPENED,
    },
}

# Letters that need the officer to say something first (the send form asks for it).
EXTRA_FIELDS = {
    LetterKind.DELAY: ("timescale", "reason", "new_date"),
    LetterKind.APPEAL_OUTCOME: ("appeal_upheld", "appeal_reasons"),
}

# What each timescale means to the person who applied, in plain words.
TIMESCALE_WORDS = {
    "acknowledge": _("We write to say we have your application"),
    "notify_bodies": _("We tell the local services about your application"),
    "agency_responses": _("The local services tell us what they know about the problem"),
    "threshold_decision": _("We tell you if your case can have a review"),
    "officer_allocation": _("We tell you the name of your case officer"),
    "victim_contact": _("Your case officer phones you"),
    "meeting": _("The review meeting takes place"),
    "minutes": _("The notes of the meeting are written up"),
    "outcome": _("We write to tell you what the review decided"),
    "withdrawal_letter": _("We write to confirm the review has stopped"),
}
APPLICANT_FACING = set(TIMESCALE_WORDS) - {"minutes", "withdrawal_letter"}

UNIT_WORDS = {"working_days": "working day", "days": "day", "weeks": "week", "months": "month"}


def letters_for_case(case: Case) -> list[str]:
    """The letters that fit the case's state now, in series order."""
    return [kind for kind, states in LETTER_STATES.items() if case.state in states]


def period(amount: int, unit: str) -> str:
    """'3 working days', '1 week' (in Welsh when a Welsh letter is being written)."""
    if unit == "working_days":
        return ngettext("%(n)d working day", "%(n)d working days", amount) % {"n": amount}
    if unit == "days":
        return ngettext("%(n)d day", "%(n)d days", amount) % {"n": amount}
    if unit == "weeks":
        return ngettext("%(n)d week", "%(n)d weeks", amount) % {"n": amount}
    if unit == "months":
        return ngettext("%(n)d month", "%(n)d months", amount) % {"n": amount}
    word = UNIT_WORDS.get(unit, unit.replace("_", " "))
    return f"{amount} {word}{'' if amount == 1 else 's'}"


def working_calendar(area):
    try:
        from asbcr.calendar import calendar_for_area

        return calendar_for_area(area)
    except ImportError:
        from asbcr.calendar import calendar_for

        return calendar_for(area.nation)


def _data_uri(field_file) -> str:
    """A logo as a data: URL, so WeasyPrint never has to fetch it."""
    if not field_file:
        return ""
    try:
        field_file.seek(0)
        raw = field_file.read()
    except (OSError, ValueError):
        try:
            with field_file.open("rb") as handle:
                raw = handle.read()
        except (OSError, ValueError):
            return ""
    mime = mimetypes.guess_type(field_file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(raw).decode()}"


def area_settings(area):
    from letters.models import AreaLetterSettings

    return AreaLetterSettings.objects.filter(area=area).first()


def branding(area, settings=None) -> dict:
    """The area's letterhead and sign-off, with sensible defaults from the reference data.
    ``settings`` previews unsaved letter settings."""
    settings = settings or area_settings(area)
    agency = area.administering_agency
    organisation = (settings and settings.sender_organisation) or (
        agency.name if agency else area.name
    )
    return {
        "area_name": area.name,
        "organisation": organisation,
        "sender_name": (settings and settings.sender_name) or "The ASB Case Review Coordinator",
        "sender_title": (settings and settings.sender_title) or f"{area.name} Community Safety",
        "sender_address": (settings and settings.sender_address)
        or (agency and agency.address)
        or "",
        "sender_phone": (settings and settings.sender_phone)
        or (agency and agency.spoc_phone)
        or "",
        "sender_email": (settings and settings.sender_email)
        or (agency and agency.spoc_email)
        or "",
        "logo": _data_uri(settings.logo) if settings else "",
        "logo_alt": (settings and settings.logo_alt) or f"{organisation} logo",
        "colour": (settings and settings.brand_colour) or "#1d70b8",
    }


def support_services(case: Case, settings=None) -> list[dict]:
    settings = settings or area_settings(case.area)
    if settings and settings.support_services:
        return settings.support_services
    return list(case.procedure_version.section("support_services", []))


def appeal_details(case: Case, *, from_date: dt.date) -> dict:
    """How and by when to appeal, from the procedure's appeal section or the area's words."""
    appeal = case.procedure_version.section("appeal")
    window = appeal.get("window") or {"amount": 28, "unit": "days"}
    by = working_calendar(case.area).due(from_date, window["amount"], window["unit"])
    reviewer = appeal.get("reviewer") or {}
    settings = area_settings(case.area)
    return {
        "window": period(window["amount"], window["unit"]),
        "by": by,
        "grounds": [g.get("label", "") for g in appeal.get("grounds", []) if g.get("label")],
        "reviewer": (reviewer.get("areas") or {}).get(case.area.slug)
        or reviewer.get("default", ""),
        "route": (settings and settings.appeal_route) or "",
        "stages": [
            {"rule": s.get("rule", ""), "period": period(s["amount"], s["unit"])}
            for s in appeal.get("stages", [])
            if "amount" in s
        ],
    }


def recipient_for(case: Case, kind: str, agency=None) -> dict:
    """Who the letter is addressed to: the agency's SPOC for CR5, the victim for CR4,
    otherwise the applicant."""
    if kind == LetterKind.CR5:
        return {
            "name": agency.spoc_name or f"ASB Single Point of Contact, {agency.name}",
            "organisation": agency.name,
            "address": agency.address,
            "email": agency.spoc_email,
            "phone": agency.spoc_phone,
            "preferred": "email" if agency.spoc_email else "post",
        }
    person = case.victim if kind == LetterKind.CR4 else case.applicant
    return {
        "name": person.organisation_contact or person.name,
        "organisation": person.name if person.organisation_contact else "",
        "address": person.address + (f"\n{person.postcode}" if person.postcode else ""),
        "email": person.email,
        "phone": person.phone,
        "preferred": person.preferred_contact,
    }


def next_steps(case: Case) -> list[dict]:
    """The procedure's timescales the applicant will notice, in order."""
    steps = []
    for key, scale in case.procedure_version.section("timescales").items():
        if key not in APPLICANT_FACING or scale.get("responsible") == "applicant":
            continue
        steps.append(
            {"what": str(TIMESCALE_WORDS[key]), "within": period(scale["amount"], scale["unit"])}
        )
    return steps


def threshold_reasons(case: Case) -> str:
    """The threshold engine's reasons if it has recorded a decision, else the reason given
    with the threshold-not-met step."""
    try:
        from thresholds.selectors import latest_decision
    except ImportError:
        latest_decision = None
    if latest_decision is not None:
        decision = latest_decision(case)
        if decision is not None and getattr(decision, "reasons_text", ""):
            return decision.reasons_text
    event = (
        TimelineEvent.objects.filter(case=case, detail__transition="record_threshold_not_met")
        .order_by("-at", "-id")
        .first()
    )
    return event.reason if event else ""


def victim_actions(case: Case) -> list:
    """The agreed actions the victim may be told about. The withhold rule lives in panels."""
    from panels.selectors import actions_for_victim

    return list(actions_for_victim(case))


def letter_context(
    *, case: Case, kind: str, agency=None, extra: dict | None = None, today=None
) -> dict:
    """Everything a letter of this kind says about this case."""
    today = today or timezone.localdate()
    extra = extra or {}
    kind = LetterKind(kind)
    context = {
        "kind": kind,
        "title": kind.label.split(" ", 1)[1] if kind.label.startswith("CR") else kind.label,
        "series": kind.value if kind.value.startswith("CR") else "",
        "case": case,
        "reference": case.reference,
        "today": today,
        "brand": branding(case.area),
        "recipient": recipient_for(case, kind, agency),
        "officer": officer_details(case),
        "area": case.area,
        "support_services": support_services(case),
        "received_on": case.received_on,
    }
    builder = BUILDERS.get(kind)
    if builder:
        context.update(builder(case, today=today, agency=agency, extra=extra))
    return context


def _cr1(case, *, today, **_):
    return {"next_steps": next_steps(case)}


def plain_threshold_reasons(case: Case):
    """The threshold decision in the letter's words (``thresholds.letter_explain``), built
    from the engine's structured result; None when no engine decision is recorded."""
    try:
        from thresholds.letter_explain import letter_reasons
        from thresholds.selectors import latest_decision
    except ImportError:
        return None
    decision = latest_decision(case)
    explanation = getattr(decision, "explanation", None)
    rules = case.procedure_version.section("threshold") or {}
    if not explanation or not explanation.get("application_date") or not rules:
        return None
    facts = {
        str(i.pk): {"hate": i.hate_motivated, "same_incident": bool(i.same_incident_as_id)}
        for i in case.incidents.all()
    }
    facts["asb_persists"] = (explanation.get("factors") or {}).get("asb_persists")
    reasons = letter_reasons(explanation=explanation, rules=rules, facts=facts)
    return reasons if reasons.rule else None


def _bodies_reasons(case: Case) -> str:
    """What the bodies that decided against a review wrote, in their own words (the
    timeline's reason holds the engine's paragraph, which the letter does not print)."""
    from thresholds.selectors import latest_decision

    decision = latest_decision(case)
    views = (decision.views if decision else None) or []
    return "\n".join(
        f"{v.get('agency', '')}: {v['reasons'].strip()}".lstrip(": ")
        for v in views
        if v.get("view") == "not_met" and str(v.get("reasons") or "").strip()
    )


def _cr3(case, *, today, **_):
    plain = plain_threshold_reasons(case)
    return {
        "plain_reasons": plain,
        # People's own words: the reason given with the step when the engine recorded no
        # decision, or each body's reasons when the reports met a rule and the bodies
        # still decided against a review.
        "reasons": _bodies_reasons(case)
        if plain and plain.met_by_rule
        else ("" if plain else threshold_reasons(case)),
        "appeal": appeal_details(case, from_date=today),
    }


_latest_appeal = None


def register_latest_appeal(lookup) -> None:
    """The appeals app, which sits above letters, gives the letters its latest appeal of a
    case this way when it is ready (``appeals.selectors.latest_appeal``)."""
    global _latest_appeal
    _latest_appeal = lookup


def latest_appeal(case: Case):
    """The case's most recent appeal, if the appeals app is installed and holds one."""
    return _latest_appeal(case) if _latest_appeal is not None else None


def _cr3a(case, *, today, extra, **_):
    appeal = appeal_details(case, from_date=today)
    lodged = latest_appeal(case)
    if lodged is not None:
        appeal["reviewer"] = (
            (lodged.reviewer and f"{lodged.reviewer}, {lodged.reviewing_body}".strip(", "))
            or lodged.reviewing_body
            or appeal["reviewer"]
        )
    received = extra.get("appeal_received_on") or (lodged and lodged.lodged_on) or today
    stage = (case.procedure_version.section("appeal").get("stages") or [{}])[0]
    by = (
        working_calendar(case.area).due(received, stage["amount"], stage["unit"])
        if "amount" in stage
        else None
    )
    return {"appeal": appeal, "appeal_received_on": received, "appeal_by": by}


def _cr4(case, *, today, **_):
    timescales = case.procedure_version.section("timescales")
    meeting = timescales.get("meeting")
    contact = timescales.get("victim_contact")
    return {
        "wants_to_attend": case.wants_to_attend,
        "wants_to_send_statement": case.wants_to_send_statement,
        "meeting_within": period(meeting["amount"], meeting["unit"]) if meeting else "",
        "contact_within": period(contact["amount"], contact["unit"]) if contact else "",
        "next_steps": next_steps(case),
    }


def _cr5(case, *, today, agency, **_):
    scale = case.procedure_version.section("timescales").get("agency_responses") or {
        "amount": 5,
        "unit": "working_days",
    }
    involvement = case.involvements.filter(agency=agency).first() if agency else None
    start = (involvement and involvement.notified_on) or today
    incidents = list(case.incidents.select_related("reported_to").order_by("incident_date"))
    return {
        "agency": agency,
        "incidents": [
            {"incident": i, "reported_here": agency is not None and i.reported_to_id == agency.pk}
            for i in incidents
        ],
        "due_on": working_calendar(case.area).due(start, scale["amount"], scale["unit"]),
        "due_within": period(scale["amount"], scale["unit"]),
    }


def _delay(case, *, extra, **_):
    key = extra.get("timescale", "")
    if not key:
        stage = _delayed_appeal_stage(case)
        if stage is not None:
            return {
                "timescale_words": f"The review of your appeal: {stage.rule}",
                "timescale_within": period(stage.amount, stage.unit),
                "delay_reason": extra.get("reason") or stage.delay_reason,
                "new_date": extra.get("new_date"),
            }
    scale = case.procedure_version.section("timescales").get(key, {})
    words = str(TIMESCALE_WORDS.get(key) or "") or scale.get("rule") or key.replace("_", " ")
    return {
        "timescale_words": words or "One of the steps of your case review",
        "timescale_within": period(scale["amount"], scale["unit"]) if scale else "",
        "delay_reason": extra.get("reason", ""),
        "new_date": extra.get("new_date"),
    }


def _delayed_appeal_stage(case):
    appeal = latest_appeal(case)
    if appeal is None:
        return None
    return appeal.stages.exclude(delay_reason="").order_by("-id").first()


def _withdrawal(case, **_):
    return {"withdrawn_reason": case.withdrawn_reason}


DONE_WORDS = {
    "done": "Done",
    "reported": "Done (we are checking it)",
    "no_longer_needed": "No longer needed",
    "business_as_usual": "Now part of their usual work",
}


def action_when(action, today: dt.date) -> str:
    """When an agreed action will be done, never a past date as a promise."""
    status = str(getattr(action, "status", "") or "")
    if status in DONE_WORDS:
        return DONE_WORDS[status]
    due = getattr(action, "due_on", None)
    if due is None:
        return ""
    words = f"{due.day} {due:%B %Y}"
    if due < today:
        return f"We aimed to do this by {words}. It is late. We will tell you the new date."
    return f"By {words}"


def action_rows(actions, today: dt.date) -> list[dict]:
    """The agreed actions as the letter's table shows them."""
    return [
        {
            "what": action.what,
            "who": getattr(getattr(action, "agency", None), "name", ""),
            "when": action_when(action, today),
        }
        for action in actions
    ]


def _outcome(case, *, today, **_):
    from panels.models import Listing

    listing = (
        Listing.objects.filter(case=case).exclude(minuted_at=None).order_by("-minuted_at").first()
    )
    actions = victim_actions(case)
    return {
        "actions": actions,
        "action_rows": action_rows(actions, today),
        "recommendations": listing.recommendations if listing else "",
        "appeal": appeal_details(case, from_date=today),
    }


def _appeal_outcome(case, *, extra, **_):
    if "appeal_upheld" in extra:
        return {
            "appeal_upheld": bool(extra["appeal_upheld"]),
            "appeal_reasons": extra.get("appeal_reasons", ""),
        }
    appeal = latest_appeal(case)
    decided = appeal is not None and bool(appeal.outcome)
    return {
        # The appeal is upheld when the case is referred back to the bodies.
        "appeal_upheld": decided and appeal.outcome == "refer_back",
        "appeal_reasons": appeal.outcome_summary if decided else extra.get("appeal_reasons", ""),
        "recommendations": list(appeal.recommendations.all()) if decided else [],
    }


BUILDERS = {
    LetterKind.CR1: _cr1,
    LetterKind.CR3: _cr3,
    LetterKind.CR3A: _cr3a,
    LetterKind.CR4: _cr4,
    LetterKind.CR5: _cr5,
    LetterKind.DELAY: _delay,
    LetterKind.WITHDRAWAL: _withdrawal,
    LetterKind.OUTCOME: _outcome,
    LetterKind.APPEAL_OUTCOME: _appeal_outcome,
}


def relevant_bodies(case: Case):
    """The bodies a CR5 form goes to: every involved body except the administering one."""
    return [
        involvement.agency
        for involvement in case.involvements.select_related("agency").exclude(
            role=InvolvementRole.ADMINISTERING
        )
    ]


def chairs_pack_context(*, case: Case, today=None) -> dict:
    """Everything the panel chair reads before the meeting: the pack's sections, built once
    as data (``panels.pack``), with the letterhead."""
    from panels.pack import chairs_pack_sections

    return {
        "case": case,
        "reference": case.reference,
        "today": today or timezone.localdate(),
        "brand": branding(case.area),
        "area": case.area,
        "sections": chairs_pack_sections(case),
    }
