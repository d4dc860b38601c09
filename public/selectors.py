"""Reads for the public pages. The applicant is identified only by a token; every read
here starts from a token and returns only what that applicant may see."""

import calendar
import datetime as dt
import logging

from django.apps import apps
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.constants import CaseState
from cases.models import Case
from partnerships.models import Area
from public import explain
from public.models import DraftApplication, TrackingLink, token_hash

logger = logging.getLogger(__name__)

# The decisions an applicant may appeal against, and the states the case is in after them.
APPEALABLE_STATES = {
    CaseState.THRESHOLD_NOT_MET: "threshold_decision",
    CaseState.OUTCOME_SENT: "outcome",
    CaseState.MONITORING: "outcome",
    CaseState.CLOSED: "outcome",
}
# Letters addressed to agencies, never shown to the applicant.
AGENCY_LETTER_KINDS = {"CR5"}


def areas_for_applications():
    """Areas that take online applications: every area with a procedure."""
    return Area.objects.select_related("procedure").order_by("name")


def _outward_code(postcode: str) -> str:
    compact = postcode.replace(" ", "").upper()
    if " " in postcode.strip():
        return postcode.strip().upper().split()[0]
    return compact[:-3] if len(compact) >= 5 else compact


def area_for_postcode(*, postcode: str) -> Area | None:
    """The area whose listed postcode districts contain this postcode (full or district)."""
    district = _outward_code(postcode)
    for area in areas_for_applications():
        if district in {d.upper() for d in (area.postcode_districts or [])}:
            return area
    return None


def draft_for_token(*, token: str | None) -> DraftApplication | None:
    """The live (not sent, not expired) draft this resume token opens."""
    if not token or len(token) > 100:
        return None
    draft = (
        DraftApplication.objects.select_related("area", "area__procedure")
        .filter(resume_token_hash=token_hash(token))
        .first()
    )
    return draft if draft and draft.is_live else None


def tracking_case(*, token: str) -> tuple[TrackingLink, Case] | None:
    """The case a live tracking token opens, or None (unknown, revoked, or malformed)."""
    if not token or len(token) > 100:
        return None
    link = (
        TrackingLink.objects.select_related("case", "case__area", "case__applicant")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    return (link, link.case) if link else None


def add_period(start: dt.date, value: dict) -> dt.date:
    """Calendar arithmetic for an appeal window ({amount, unit}); working days count as days
    plus weekends, which is generous to the applicant."""
    amount, unit = int(value.get("amount", 0)), value.get("unit", "days")
    if unit == "months":
        month = start.month - 1 + amount
        year, month = start.year + month // 12, month % 12 + 1
        return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    if unit == "weeks":
        return start + dt.timedelta(weeks=amount)
    if unit == "working_days":
        day, left = start, amount
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day
    return start + dt.timedelta(days=amount)


def _ground_fits(ground: dict, against: str) -> bool:
    """Offer only the grounds that can apply now: no "I disagree with the outcome of the
    review" when the case had no review (the threshold was not met), and no "I disagree
    with the threshold decision" against the outcome of a review that was held."""
    key, label = str(ground.get("key", "")).lower(), str(ground.get("label", "")).lower()
    about_outcome = key == "outcome" or "outcome" in label
    about_threshold = "threshold" in key or "threshold" in label
    if against == "threshold_decision":
        return not about_outcome
    return not about_threshold


def appeal_window(*, case: Case) -> dict | None:
    """Whether the applicant may ask for an appeal now: against what, from when, until when."""
    against = APPEALABLE_STATES.get(case.state)
    section = case.procedure_version.section("appeal") or {}
    if not against or not section.get("grounds"):
        return None
    decision_state = (
        CaseState.THRESHOLD_NOT_MET if against == "threshold_decision" else CaseState.OUTCOME_SENT
    )
    event = case.timeline.filter(to_state=decision_state).order_by("-at").first()
    decided_on = timezone.localdate(event.at) if event else case.updated_at.date()
    window = section.get("window") or {"amount": 28, "unit": "days"}
    ends_on = add_period(decided_on, window)
    grounds = []
    for ground in section["grounds"]:
        if isinstance(ground, dict) and ground.get("key") and _ground_fits(ground, against):
            grounds.append((str(ground["key"]), str(ground.get("label") or ground["key"])))
    return {
        "against": against,
        "decided_on": decided_on,
        "ends_on": ends_on,
        "open": timezone.localdate() <= ends_on,
        "grounds": grounds,
        "window": explain.period(window),
    }


def next_deadline(*, case: Case) -> dict | None:
    """The next open deadline the applicant is waiting on, if the deadlines app keeps them."""
    if not apps.is_installed("deadlines"):
        return None
    try:
        Deadline = apps.get_model("deadlines", "Deadline")
        with transaction.atomic():  # a savepoint, so a missing table cannot spoil the request
            deadlines = list(
                Deadline.objects.filter(case=case, state="open").order_by("due", "id")[:50]
            )
    except (LookupError, DatabaseError):  # the deadlines app is not ready yet
        logger.info("deadlines not available for the tracking page")
        return None
    for deadline in deadlines:
        text = explain.next_step_text(getattr(deadline, "step", ""))
        if text:
            return {"text": text, "due": deadline.due, "step": getattr(deadline, "step", "")}
    return None


def letters_for_applicant(*, case: Case) -> list:
    """Letters sent to the applicant (never those to agencies), newest first."""
    try:
        Letter = apps.get_model("letters", "Letter")
    except LookupError:
        return []
    try:
        with transaction.atomic():
            return list(
                Letter.objects.filter(case=case, agency__isnull=True)
                .exclude(kind__in=AGENCY_LETTER_KINDS)
                .order_by("-sent_at")
            )
    except DatabaseError:
        logger.info("letters not available for the tracking page")
        return []


def letter_for_applicant(*, case: Case, letter_id: int):
    for letter in letters_for_applicant(case=case):
        if letter.pk == letter_id:
            return letter
    return None


# Timeline lines written in the staff's words, as the applicant would say them.
APPLICANT_WORDS = [
    (
        "Impact statement received (written by the victim (tracking page))",
        gettext_lazy("You sent an impact statement"),
    ),
    ("Impact statement received", gettext_lazy("We received your impact statement")),
    (
        "The applicant updated their contact details",
        gettext_lazy("You updated your contact details"),
    ),
    ("The applicant asked for an appeal", gettext_lazy("You asked for an appeal")),
    ("Appeal received out of time and refused", gettext_lazy("Your appeal came too late")),
    ("Appeal received", gettext_lazy("We received your appeal")),
]


def applicant_contact(*, case: Case) -> dict:
    """Who the applicant can contact: their case officer if one is allocated (name, work
    phone and email), else the area's administering body's contact point."""
    officer = case.case_officer if case.case_officer_id else None
    agency = case.area.administering_agency
    phone = (getattr(officer, "phone", "") if officer else "") or (
        agency.spoc_phone if agency else ""
    )
    email = (officer.email if officer else "") or (agency.spoc_email if agency else "")
    return {
        "name": officer.get_full_name() if officer else "",
        "organisation": agency.name if agency else case.area.name,
        "phone": phone,
        "email": email,
    }


def applicant_summary(text: str) -> str:
    """A timeline line as the applicant reads it: a letter named in words, not by its
    series code (lines written before letters had names in words start with the code)."""
    from letters.constants import READER_NAMES, LetterKind

    for staff_words, words in APPLICANT_WORDS:
        if text.startswith(staff_words):
            return str(words)
    for kind, name in READER_NAMES.items():
        prefix = f"{LetterKind(kind).label} letter"
        if text.startswith(prefix):
            return str(name) + text[len(prefix) :]
    return text


def tracking_summary(*, case: Case) -> dict:
    """Everything the tracking page shows: nothing agency-only, nobody else's data."""
    from public.models import AppealRequest

    heading, text = explain.state_explanation(case.state)
    appeal = appeal_window(case=case)
    deadline = next_deadline(case=case)
    if appeal:
        appeal["requested"] = AppealRequest.objects.filter(
            case=case, requested_at__date__gte=appeal["decided_on"]
        ).exists()
        # What is possible now: once asked for, the page says where the appeal stands and
        # no longer offers to ask, or counts down to the last day.
        appeal["can_ask"] = appeal["open"] and not appeal["requested"]
        if appeal["requested"]:
            heading, text = explain.appeal_requested_explanation()
        if deadline and deadline.get("step") == "appeal_window":
            deadline = None  # the last day is shown once, with the appeal
    events = case.timeline.filter(visible_to_applicant=True).order_by("at", "id")
    statements = case.impact_statements.filter(source="written_online").order_by("received_on")
    return {
        "case": case,
        "reference": case.reference,
        "area": case.area,
        "state_heading": heading,
        "state_text": text,
        "received_on": case.received_on,
        "next_deadline": deadline,
        "events": [{"at": e.at, "summary": applicant_summary(e.summary)} for e in events],
        "letters": letters_for_applicant(case=case),
        "statements": [{"received_on": s.received_on} for s in statements],
        "appeal": appeal,
        "appeal_requests": AppealRequest.objects.filter(case=case),
        "contact": applicant_contact(case=case),
    }
