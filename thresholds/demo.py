"""Demo incident-log entries from an agency export, then a detection run (idempotent).

For every area, the administering body's export holds one victim whose reports already
meet the threshold (a "review suggested" entry) and one who has just made a second
report within six months (a "tell them about the case review" entry). Rows carry import
keys, and detection outputs have natural keys, so running the demo again adds nothing.
"""

import datetime as dt

from django.utils import timezone

from cases.demo import DECIDE_STEPS, JOURNEYS, VICTIMS, demo_officer
from cases.models import Case
from partnerships.models import Area
from thresholds import services
from thresholds.selectors import latest_decision

HEADER = "reference,incident_date,reported_date,complainant_key,description,issue,location\n"


def _csv(area: Area, today: dt.date) -> str:
    rows = []
    for n, days in enumerate((150, 90, 40, 12), start=1):
        day = today - dt.timedelta(days=days)
        rows.append(
            f"DEMO-{area.slug}-A{n},{day},{day + dt.timedelta(days=2)},"
            f"demo:{area.slug}:resident-a,Youths gathering and shouting,youth nuisance,"
            "Outside the parade of shops"
        )
    for n, days in enumerate((70, 6), start=1):
        day = today - dt.timedelta(days=days)
        rows.append(
            f"DEMO-{area.slug}-B{n},{day},{day + dt.timedelta(days=1)},"
            f"demo:{area.slug}:resident-b,Loud music at night,noise,Flat above"
        )
    return HEADER + "\n".join(rows) + "\n"


def _decide(case: Case, officer, *, met: bool) -> None:
    """The administering body's view, then the decision through the threshold engine."""
    for agency in services.involved_bodies(case):
        services.body_view_record(
            case=case,
            agency=agency,
            by=officer,
            view="met" if met else "not_met",
            reasons=(
                "Three complaints reported promptly within the window; the ASB persists."
                if met
                else "Two of the three reports were made more than a month after the incident."
            ),
        )
    services.threshold_decide(case=case, by=officer)


def decide_demo_cases() -> int:
    """The demo journeys that end in a threshold decision, in areas whose bodies decide
    outside a meeting (``cases.demo`` walks them up to that step). Idempotent: a case
    already decided is left alone."""
    decided = 0
    for area in Area.objects.select_related("procedure").order_by("slug"):
        if area.procedure.current_version.data.get("decision", {}).get("at_meeting"):
            continue
        officer = demo_officer(area)
        for path, victim_index in JOURNEYS:
            if not path or path[-1] not in DECIDE_STEPS:
                continue
            case = (
                Case.objects.filter(area=area, victim__name=VICTIMS[victim_index][0])
                .order_by("id")
                .first()
            )
            if case is None or officer is None or latest_decision(case) is not None:
                continue
            _decide(case, officer, met=DECIDE_STEPS[path[-1]])
            decided += 1
    return decided


def load_demo(stdout) -> None:
    decided = decide_demo_cases()
    if decided:
        stdout.write(f"Demo threshold decisions: {decided}.")
    today = timezone.localdate()
    imported = 0
    for area in Area.objects.select_related("procedure", "administering_agency").order_by("slug"):
        if area.administering_agency is None:
            continue
        result = services.incident_import(
            text=_csv(area, today), agency=area.administering_agency, by=None, today=today
        )
        if result.errors:
            stdout.write(f"Demo incidents for {area.slug} not imported: {result.errors[0]}")
            continue
        imported += result.created
    totals = services.detection_run(today=today)
    stdout.write(
        f"Demo incident log: {imported} imported; detection raised "
        f"{totals['review_suggestions']} review suggestion(s) and "
        f"{totals['second_report_notices']} second-report notice(s)."
    )
