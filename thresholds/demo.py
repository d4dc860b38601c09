"""Demo incident-log entries from an agency export, then a detection run (idempotent).

For every area, the administering body's export holds one victim whose reports already
meet the threshold (a "review suggested" entry) and one who has just made a second
report within six months (a "tell them about the case review" entry). Rows carry import
keys, and detection outputs have natural keys, so running the demo again adds nothing.
"""

import datetime as dt

from django.utils import timezone

from partnerships.models import Area
from thresholds import services

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


def load_demo(stdout) -> None:
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
