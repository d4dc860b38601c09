"""Sample data for previewing an area's letter wording and branding before saving.

No case is read: the sample is made up, with the area's current procedure and settings,
and carries every key any letter uses, so a preview exercises the whole template.
"""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from letters import context as letter_context
from letters.constants import LetterKind


def sample_context(*, area, kind: str, settings=None) -> dict:
    today = timezone.localdate()
    version = area.procedure.current_version
    procedure = version.data if version else {}
    fake_case = SimpleNamespace(
        area=area,
        procedure_version=SimpleNamespace(
            data=procedure, section=lambda name, default=None: procedure.get(name, default or {})
        ),
    )
    settings = settings or letter_context.area_settings(area)
    kind = LetterKind(kind)
    agency = SimpleNamespace(name="Sample Housing Association", pk=0)
    actions = [
        SimpleNamespace(
            what="Visit the neighbours and give a written warning",
            agency=agency,
            due_on=today + dt.timedelta(days=14),
        )
    ]
    incident = SimpleNamespace(
        incident_date=today - dt.timedelta(days=30),
        reported_to=agency,
        description="Loud music and shouting after midnight (sample)",
        agency_reference="SAMPLE-123",
    )
    window = (procedure.get("appeal") or {}).get("window") or {"amount": 28, "unit": "days"}
    return {
        "kind": kind,
        "title": kind.label.split(" ", 1)[1] if kind.label.startswith("CR") else kind.label,
        "series": kind.value if kind.value.startswith("CR") else "",
        "reference": "SAMPLE-0001",
        "today": today,
        "received_on": today - dt.timedelta(days=3),
        "brand": letter_context.branding(area, settings=settings),
        "area": area,
        "recipient": {
            "name": "Alex Sample",
            "organisation": "",
            "address": "1 Example Street\nSampletown\nAB1 2CD",
            "email": "alex@example.org",
            "phone": "01234 567890",
        },
        "officer": {
            "name": "Sam Officer",
            "title": "Community Safety Officer",
            "phone": "01234 000000",
            "email": "sam.officer@example.org",
            "agency": "Sample Council",
        },
        "support_services": letter_context.support_services(fake_case, settings=settings),
        "next_steps": letter_context.next_steps(fake_case),
        "reasons": "Two of the three reports were made more than 30 days after they happened.",
        "appeal": {
            "window": letter_context.period(window["amount"], window["unit"]),
            "by": today + dt.timedelta(days=28),
            "grounds": [
                g.get("label", "") for g in (procedure.get("appeal") or {}).get("grounds", [])
            ],
            "reviewer": ((procedure.get("appeal") or {}).get("reviewer") or {}).get("default", ""),
            "route": (settings and settings.appeal_route) or "",
            "stages": [],
        },
        "appeal_received_on": today,
        "appeal_by": today + dt.timedelta(days=21),
        "wants_to_attend": True,
        "wants_to_send_statement": True,
        "meeting_within": "28 days",
        "contact_within": "5 working days",
        "agency": agency,
        "incidents": [{"incident": incident, "reported_here": True}],
        "due_on": today + dt.timedelta(days=7),
        "due_within": "5 working days",
        "timescale_words": "The review meeting takes place",
        "timescale_within": "28 days",
        "delay_reason": "A service has not yet sent its information.",
        "new_date": today + dt.timedelta(days=14),
        "withdrawn_reason": "You told us you no longer want a review.",
        "actions": actions,
        "action_rows": letter_context.action_rows(actions, today),
        "recommendations": "Keep a diary of any further incidents.",
        "appeal_upheld": False,
        "appeal_reasons": "The decision followed the procedure and took account of the facts.",
    }
