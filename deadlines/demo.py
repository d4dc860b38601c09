"""Demo deadlines (``manage.py load_demo``). Idempotent.

Demo cases get their deadlines from the workflow hook as they are created. On top, one
deadline on a Hertsmere demo case fell due on the last working day, so the first sweep of
``make run`` breaches it and the breach email appears in the worker's console output.
"""

import datetime as dt

from django.utils import timezone

from asbcr.calendar import calendar_for_area
from cases.models import Case
from deadlines import services
from deadlines.models import Deadline
from partnerships.models import User

DEMO_KEY = "demo:hertsmere:call-back"


def load_demo(stdout) -> None:
    backfilled = sum(
        1
        for case in Case.objects.filter(deadlines__isnull=True).distinct()
        if services.deadlines_backfill(case=case)
    )
    if backfilled:
        stdout.write(f"Deadlines: started the deadlines of {backfilled} earlier cases.")
    if Deadline.objects.filter(key=DEMO_KEY).exists():
        return
    case = Case.objects.filter(area__slug="hertsmere").order_by("received_on", "id").first()
    officer = User.objects.filter(username="hertsmere.officer").first()
    if case is None or officer is None:
        return
    # The last working day before today, so the first sweep finds it overdue.
    yesterday = calendar_for_area(case.area).subtract_working_days(timezone.localdate(), 1)
    services.deadline_start(
        case=case,
        key=DEMO_KEY,
        step="demo_call_back",
        due=yesterday,
        started_on=yesterday - dt.timedelta(days=7),
        rule="Demo: call the victim back about the noise diary",
        responsible_user=officer,
        responsible_role="case_officer",
    )
    stdout.write(
        f"Deadlines: a demo deadline on {case.reference} was due {yesterday:%A %d %B}; the first "
        "sweep marks it breached and emails the case officer (shown in the worker's console)."
    )
