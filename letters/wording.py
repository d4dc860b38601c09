"""An area's own wording for a letter: which placeholders each letter kind can use, what
they mean, an example of each, and one function per letter kind that fills them in.

The values are plain strings (or lists of strings, shown as bullets), built from the
letter's context, which ``letters.context`` builds from the case. A wording can reach
nothing else: see ``letters.placeholders``.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import dateformat

from letters.constants import LetterKind
from letters.placeholders import Value

K = LetterKind


@dataclass(frozen=True)
class Info:
    """What a placeholder means, and an example (also the preview's demo value)."""

    meaning: str
    example: Value


COMMON = {
    "recipient_name": Info("The name of the person the letter is to", "Alex Sample"),
    "reference": Info("The case reference", "HERT-2026-0001"),
    "today": Info("The date of the letter", "3 March 2026"),
    "received_on": Info("The date the application was received", "27 February 2026"),
    "area_name": Info("The name of the area", "Hertsmere"),
    "organisation": Info("The organisation on the letterhead", "Hertsmere Borough Council"),
    "sender_name": Info("The name in the sign-off", "The ASB Case Review Coordinator"),
    "sender_phone": Info("The phone number on the letterhead", "020 8207 2277"),
    "sender_email": Info("The email address on the letterhead", "asb@example.gov.uk"),
    "officer_name": Info("The case officer's name (empty if none yet)", "Sam Officer"),
    "officer_title": Info("The case officer's job title", "Community Safety Officer"),
    "officer_phone": Info("The case officer's phone number", "01234 000000"),
    "officer_email": Info("The case officer's email address", "sam.officer@example.org"),
    "officer_agency": Info("The case officer's organisation", "Hertsmere Borough Council"),
}
SUPPORT = {
    "support_services": Info(
        "The support services, one a line (a list: put it on a line of its own)",
        ["Victim Support: 0808 168 9111", "Samaritans: 116 123"],
    ),
}
APPEAL = {
    "appeal_window": Info("How long they have to appeal", "28 days"),
    "appeal_by": Info("The last day they can appeal", "31 March 2026"),
    "appeal_reviewer": Info("Who looks at an appeal", "The Chief Executive"),
    "appeal_grounds": Info(
        "The reasons they can appeal for (a list)",
        ["The procedure was not followed", "Not all the incidents were considered"],
    ),
    "appeal_route": Info(
        "How to appeal, in the area's own words (empty if not set)",
        "Write to the Chief Executive within 28 days.",
    ),
    "how_to_appeal": Info(
        "How and by when to appeal, in the standard words (or the area's own)",
        "You can ask us to look at this decision again. This is called an appeal. "
        "You need to ask within 28 days, so by 31 March 2026.",
    ),
}
NEXT_STEPS = {
    "next_steps": Info(
        "What happens next and how long each step takes (a list)",
        ["We tell you if your case can have a review: within 10 working days"],
    ),
}

PLACEHOLDERS: dict[LetterKind, dict[str, Info]] = {
    K.CR1: {**COMMON, **NEXT_STEPS, **SUPPORT},
    K.CR3: {
        **COMMON,
        "reasons": Info(
            "Why the threshold is not met, in short sentences with the incidents by date",
            "For a case review, the problem must be reported three times in the 6 months "
            "before you apply. We counted one report. The report of 3 October 2026: It was "
            "reported on 5 November 2026. That is 33 days after it happened.",
        ),
        "what_you_can_do": Info(
            "What the person can do now (a list)",
            ["Report each new incident to the police or the council within 30 days."],
        ),
        **APPEAL,
        **SUPPORT,
    },
    K.CR3A: {
        **COMMON,
        "appeal_received_on": Info("The date the appeal was received", "4 March 2026"),
        "appeal_result_by": Info("When we aim to give the appeal's result", "25 March 2026"),
        "appeal_reviewer": APPEAL["appeal_reviewer"],
        "appeal_stages": Info(
            "The steps of the appeal and how long each takes (a list)",
            ["The reviewer decides: 15 working days"],
        ),
        **SUPPORT,
    },
    K.CR4: {
        **COMMON,
        "wants_to_attend": Info(
            "‘yes’ if the victim would like to come to the meeting, else ‘no’", "yes"
        ),
        "wants_to_send_statement": Info(
            "‘yes’ if the victim would like to send a statement, else ‘no’", "yes"
        ),
        "meeting_within": Info("How soon the review meeting takes place", "28 days"),
        "contact_within": Info("How soon the case officer phones", "5 working days"),
        **NEXT_STEPS,
        **SUPPORT,
    },
    K.CR5: {
        **COMMON,
        "agency_name": Info("The relevant body the form is for", "Sample Housing Association"),
        "due_on": Info("The date to return the form by", "10 March 2026"),
        "due_within": Info("How long they have to return it", "5 working days"),
        "incidents": Info(
            "The incidents to check (a list)",
            ["1 February 2026, reported to Police: loud music after midnight (ref SAMPLE-123)"],
        ),
    },
    K.OFFICER: {**COMMON, **SUPPORT},
    K.DELAY: {
        **COMMON,
        "late_step": Info(
            "The step that will be late", "The local services tell us what they know"
        ),
        "late_step_within": Info("How long that step should take", "10 working days"),
        "delay_reason": Info("Why it is late", "A service has not yet sent its information."),
        "new_date": Info("The new date (empty if not known)", "17 March 2026"),
        **SUPPORT,
    },
    K.WITHDRAWAL: {
        **COMMON,
        "withdrawal_reason": Info(
            "Why the review stopped", "You told us you no longer want a review."
        ),
        **SUPPORT,
    },
    K.OUTCOME: {
        **COMMON,
        "actions": Info(
            "The agreed actions the victim may be told about (a list)",
            ["Visit the neighbours and give a written warning: Police, by 17 March 2026"],
        ),
        "recommendations": Info(
            "The panel's recommendations", "Keep a diary of any further incidents."
        ),
        **APPEAL,
        **SUPPORT,
    },
    K.APPEAL_OUTCOME: {
        **COMMON,
        "appeal_upheld": Info("‘yes’ if the appeal was upheld, else ‘no’", "no"),
        "appeal_not_upheld": Info("‘yes’ if the appeal was not upheld, else ‘no’", "yes"),
        "appeal_reasons": Info(
            "Why", "The decision followed the procedure and took account of the facts."
        ),
        "appeal_recommendations": Info(
            "What the services have been asked to do (a list)",
            ["Police: review the incident log with the victim"],
        ),
        **SUPPORT,
    },
}


def allowed_names(kind) -> list[str]:
    return list(PLACEHOLDERS[LetterKind(kind)])


def demo_values(kind) -> dict[str, Value]:
    """The example of every placeholder: what the preview shows."""
    return {name: info.example for name, info in PLACEHOLDERS[LetterKind(kind)].items()}


# -- filling the placeholders from a letter's context -----------------------------


def _date(value) -> str:
    return dateformat.format(value, "j F Y") if value else ""


def _text(value) -> str:
    return "" if value is None else str(value)


def _yes(value) -> str:
    return "yes" if value else "no"


def _common(context: dict) -> dict[str, Value]:
    brand = context.get("brand") or {}
    officer = context.get("officer") or {}
    return {
        "recipient_name": _text(context["recipient"]["name"]),
        "reference": _text(context["reference"]),
        "today": _date(context["today"]),
        "received_on": _date(context.get("received_on")),
        "area_name": _text(brand.get("area_name")),
        "organisation": _text(brand.get("organisation")),
        "sender_name": _text(brand.get("sender_name")),
        "sender_phone": _text(brand.get("sender_phone")),
        "sender_email": _text(brand.get("sender_email")),
        "officer_name": _text(officer.get("name")),
        "officer_title": _text(officer.get("title")),
        "officer_phone": _text(officer.get("phone")),
        "officer_email": _text(officer.get("email")),
        "officer_agency": _text(officer.get("agency")),
    }


def _support(context: dict) -> dict[str, Value]:
    return {
        "support_services": [
            f"{s.get('name', '')}: {s['contact']}" if s.get("contact") else _text(s.get("name"))
            for s in context.get("support_services") or []
        ]
    }


def _next_steps(context: dict) -> dict[str, Value]:
    return {
        "next_steps": [
            f"{s['what']}: within {s['within']}" for s in context.get("next_steps") or []
        ]
    }


def _appeal(context: dict) -> dict[str, Value]:
    appeal = context.get("appeal") or {}
    route = _text(appeal.get("route"))
    standard = (
        "You can ask us to look at this decision again. This is called an appeal. "
        f"You need to ask within {appeal.get('window', '')}, so by {_date(appeal.get('by'))}. "
        "Write to us, email us or phone us. Tell us why you think the decision is wrong."
    )
    return {
        "appeal_window": _text(appeal.get("window")),
        "appeal_by": _date(appeal.get("by")),
        "appeal_reviewer": _text(appeal.get("reviewer")),
        "appeal_grounds": [_text(g) for g in appeal.get("grounds") or []],
        "appeal_route": route,
        "how_to_appeal": route or standard,
    }


def cr1_values(context: dict) -> dict[str, Value]:
    return {**_common(context), **_next_steps(context), **_support(context)}


def cr3_values(context: dict) -> dict[str, Value]:
    plain = context.get("plain_reasons")
    return {
        **_common(context),
        "reasons": " ".join([*plain.sentences(), _text(context.get("reasons"))]).strip()
        if plain
        else _text(context.get("reasons")),
        "what_you_can_do": list(plain.can_do) if plain else [],
        **_appeal(context),
        **_support(context),
    }


def cr3a_values(context: dict) -> dict[str, Value]:
    appeal = context.get("appeal") or {}
    return {
        **_common(context),
        "appeal_received_on": _date(context.get("appeal_received_on")),
        "appeal_result_by": _date(context.get("appeal_by")),
        "appeal_reviewer": _text(appeal.get("reviewer")),
        "appeal_stages": [f"{s['rule']}: {s['period']}" for s in appeal.get("stages") or []],
        **_support(context),
    }


def cr4_values(context: dict) -> dict[str, Value]:
    return {
        **_common(context),
        "wants_to_attend": _yes(context.get("wants_to_attend")),
        "wants_to_send_statement": _yes(context.get("wants_to_send_statement")),
        "meeting_within": _text(context.get("meeting_within")),
        "contact_within": _text(context.get("contact_within")),
        **_next_steps(context),
        **_support(context),
    }


def _incident_line(row: dict) -> str:
    incident = row["incident"]
    reported_to = getattr(incident.reported_to, "name", "") if incident.reported_to else ""
    line = _date(incident.incident_date)
    if reported_to:
        line += f", reported to {reported_to}{' (you)' if row.get('reported_here') else ''}"
    line += f": {incident.description}"
    if incident.agency_reference:
        line += f" (ref {incident.agency_reference})"
    return line


def cr5_values(context: dict) -> dict[str, Value]:
    agency = context.get("agency")
    return {
        **_common(context),
        "agency_name": _text(getattr(agency, "name", "")),
        "due_on": _date(context.get("due_on")),
        "due_within": _text(context.get("due_within")),
        "incidents": [_incident_line(row) for row in context.get("incidents") or []],
    }


def officer_values(context: dict) -> dict[str, Value]:
    return {**_common(context), **_support(context)}


def delay_values(context: dict) -> dict[str, Value]:
    return {
        **_common(context),
        "late_step": _text(context.get("timescale_words")),
        "late_step_within": _text(context.get("timescale_within")),
        "delay_reason": _text(context.get("delay_reason")),
        "new_date": _date(context.get("new_date")),
        **_support(context),
    }


def withdrawal_values(context: dict) -> dict[str, Value]:
    return {
        **_common(context),
        "withdrawal_reason": _text(context.get("withdrawn_reason")),
        **_support(context),
    }


def _action_line(row: dict) -> str:
    line = _text(row.get("what"))
    if row.get("who"):
        line += f": {row['who']}"
    if row.get("when"):
        line += f". {row['when']}"
    return line


def _action_rows(context: dict) -> list[dict]:
    if "action_rows" in context:
        return context["action_rows"]
    from letters.context import action_rows

    return action_rows(context.get("actions") or [], context.get("today") or date.today())


def outcome_values(context: dict) -> dict[str, Value]:
    return {
        **_common(context),
        "actions": [_action_line(row) for row in _action_rows(context)],
        "recommendations": _text(context.get("recommendations")),
        **_appeal(context),
        **_support(context),
    }


def appeal_outcome_values(context: dict) -> dict[str, Value]:
    recommendations = context.get("recommendations") or []
    return {
        **_common(context),
        "appeal_upheld": _yes(context.get("appeal_upheld")),
        "appeal_not_upheld": _yes(not context.get("appeal_upheld")),
        "appeal_reasons": _text(context.get("appeal_reasons")),
        "appeal_recommendations": [
            f"{getattr(getattr(r, 'body', None), 'name', '')}: {r.text}".lstrip(": ")
            for r in recommendations
        ]
        if not isinstance(recommendations, str)
        else [recommendations],
        **_support(context),
    }


VALUE_BUILDERS = {
    K.CR1: cr1_values,
    K.CR3: cr3_values,
    K.CR3A: cr3a_values,
    K.CR4: cr4_values,
    K.CR5: cr5_values,
    K.OFFICER: officer_values,
    K.DELAY: delay_values,
    K.WITHDRAWAL: withdrawal_values,
    K.OUTCOME: outcome_values,
    K.APPEAL_OUTCOME: appeal_outcome_values,
}


def values_for(kind, context: dict) -> dict[str, Value]:
    """The placeholders of a letter of this kind, filled in from its context."""
    return VALUE_BUILDERS[LetterKind(kind)](context)


# -- the standard wording, as a starting point ----------------------------------------

SUPPORT_SECTION = """# Help and support

These services can help you now. They are free and they will listen. You can contact them yourself, or ask us to refer you.

((support_services))"""

APPEAL_SECTION = """# If you are not happy with this decision

((how_to_appeal))"""

STARTING_WORDING = {
    K.CR1: f"""Thank you for asking for an anti-social behaviour case review. We got your application on ((received_on)).

A case review is a meeting where the local services look again at what has been done about the problem, and agree what to do next.

# What happens next

((next_steps))

First we ask the local services, such as the police, the council and housing providers, what they know about the problem. Then we decide if your case can have a review, and we write to tell you.

Please quote ((reference)) when you contact us.

If you are in danger, call 999.

{SUPPORT_SECTION}""",
    K.CR3: f"""Thank you for your application. We got it on ((received_on)). We have looked at it with the local services.

We are sorry. Your case does not meet the rules for a case review.

# Why

((reasons))

# What you can do

((what_you_can_do))

# What will still happen

* The local services will still deal with any new reports you make.
* If more incidents happen, report them each time. You can apply for a case review again if things get worse.

{APPEAL_SECTION}

{SUPPORT_SECTION}""",
    K.CR3A: f"""Thank you for your appeal. We got it on ((appeal_received_on)).

# Who will look at your appeal

Who will look at your appeal: ((appeal_reviewer)). They will read your application, the first decision and what you have told us.

# When you will hear from us

We aim to tell you the result by ((appeal_result_by)). If it will take longer, we will write and tell you why.

{SUPPORT_SECTION}""",
    K.CR4: f"""Thank you for your application. We got it on ((received_on)). Your case meets the rules for an anti-social behaviour case review.

# Your voice at the review

We want the review to hear from you. You can come to the start of the meeting, send us a statement, or both.

((wants_to_attend??You told us you would like to come to the meeting. We will tell you the date, time and place.))

# Your case officer

Your case officer is ((officer_name)), ((officer_title)). Phone: ((officer_phone)). Email: ((officer_email)).

# What happens next

* Your case officer will phone you within ((contact_within)).
* The review meeting will take place within ((meeting_within)).
* After the meeting we will write to tell you what was agreed.

{SUPPORT_SECTION}""",
    K.CR5: """A resident has asked for an anti-social behaviour case review. We got the application on ((received_on)). Please check your records for the incidents below. Look for any others about the same address or people too.

Please return this form within ((due_within)), by ((due_on)).

# Incidents to check

((incidents))

# What to return

* The reports you hold about this problem.
* The actions you have taken and their results.
* The name, job title and contact of the person completing this form.""",
    K.OFFICER: f"""We are writing about your application for an anti-social behaviour case review, received on ((received_on)).

Your case officer is ((officer_name)), ((officer_title)), ((officer_agency)).

# How to contact your case officer

* Phone: ((officer_phone))
* Email: ((officer_email))
* Please quote ((reference)).

{SUPPORT_SECTION}""",
    K.DELAY: f"""We are sorry. We are writing to tell you about a delay in your case review.

# What is late

((late_step)). This should happen within ((late_step_within)), but we will miss that time.

# Why

((delay_reason))

# The new date

We now expect this by ((new_date)). If the date changes again, we will tell you.

{SUPPORT_SECTION}""",
    K.WITHDRAWAL: f"""We are writing about your application for an anti-social behaviour case review, received on ((received_on)).

We have stopped the case review and closed it.

# Why

((withdrawal_reason))

# What you can do

* If you did not ask for this, contact us as soon as you can.
* Keep reporting any problems to the police or the council.

{SUPPORT_SECTION}""",
    K.OUTCOME: f"""The case review panel met to look at your case. Thank you for your patience.

# What the services will do

((actions))

# The panel's recommendations

((recommendations))

{APPEAL_SECTION}

{SUPPORT_SECTION}""",
    K.APPEAL_OUTCOME: f"""Thank you for your appeal. Someone who was not part of the first decision has now looked at it.

# The result

((appeal_upheld??We agree with your appeal. The local services will look at your case again.))
((appeal_not_upheld??We do not agree with your appeal. The first decision stays the same.))

# Why

((appeal_reasons))

((appeal_recommendations))

{SUPPORT_SECTION}""",
}
