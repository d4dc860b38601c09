"""Hand-built cases for the reporting tests: received and moved on at exact local times."""

import datetime as dt
import zoneinfo

import time_machine

from cases import services
from tests.evidence import with_evidence
from tests.factories import PersonInputFactory, receive_case

LONDON = zoneinfo.ZoneInfo("Europe/London")

REASONS = {
    "record_threshold_not_met": "Only two qualifying incidents in six months.",
    "withdraw": "The applicant asked to withdraw.",
    "close": "All actions complete.",
    "reopen_after_appeal": "The appeal found the incidents were not all considered.",
}


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def case_on(*, area, by, received_on: dt.date, victim=None, **overrides):
    """An application received on ``received_on`` (the clock is moved there to record it)."""
    if victim is not None:
        overrides["applicant"] = victim
    with time_machine.travel(at(received_on, 9), tick=False):
        return receive_case(area=area, by=by, received_on=received_on, **overrides)


def step(case, *names: str, by, when: dt.datetime):
    """Run transitions in order at a local date-time."""
    with time_machine.travel(when, tick=False):
        for name in names:
            with_evidence(case, name, by)
            case = services.case_transition(
                case=case, name=name, by=by, reason=REASONS.get(name, "")
            )
    return case


TO_DECISION = ("acknowledge", "start_gathering")
TO_REVIEW = (
    "acknowledge",
    "start_gathering",
    "record_threshold_met",
    "arrange_panel",
    "record_review",
)


def victim(name="Zebedee Quartermaine", postcode="WD6 9ZZ"):
    return PersonInputFactory(name=name, postcode=postcode, address="77 Secretive Lane")


SECRET_WORDS = "The neighbour at number 12 is Mr Pomfrey-Quill"
"""Free text an appeal holds; must never reach a statistics page or export."""


def appeal(case, *, lodged_on: dt.date, decided_on: dt.date | None, outcome: str = ""):
    """An appeal record as the appeals app keeps it (hand-built: only what reporting reads)."""
    from appeals.models import Appeal

    return Appeal.objects.create(
        case=case,
        against="threshold_not_met",
        decision_on=lodged_on - dt.timedelta(days=5),
        window_ends_on=lodged_on + dt.timedelta(days=23),
        lodged_on=lodged_on,
        channel="email",
        grounds=["threshold"],
        applicant_words=SECRET_WORDS,
        in_time=True,
        status="decided" if outcome else "under_review",
        outcome=outcome,
        outcome_summary="Reviewer found that " + SECRET_WORDS if outcome else "",
        decided_on=decided_on,
        case_reopened=outcome == "refer_back",
    )
