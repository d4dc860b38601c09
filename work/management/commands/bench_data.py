"""Fill a scratch database with a county's worth of cases, incidents and open deadlines.

    python manage.py bench_data --cases 10000 --incidents 100000

Everything is bulk-inserted (not walked through the workflow), so a large data set
takes seconds to minutes, not hours; the benchmarks under ``bench/`` use ``build``.
Only for a database you may fill: it refuses to run without ``--yes`` unless DEBUG.

It lives in ``work``, in the top layer, because it fills the tables of the apps below it
(cases, deadlines, panels), which no lower app may import.
"""

import datetime as dt
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

OPEN_CASE_STATES = ["received", "acknowledged", "gathering_information", "threshold_met"]
CLOSED_CASE_STATES = ["closed", "withdrawn", "threshold_not_met"]

_TO_THRESHOLD = ["acknowledged", "gathering_information"]
_REVIEWED = [*_TO_THRESHOLD, "threshold_met", "panel_arranged", "reviewed", "outcome_sent"]
HISTORIES = {
    # The transitions that brought a case into its state (the statistics count them).
    "received": [],
    "acknowledged": ["acknowledged"],
    "gathering_information": _TO_THRESHOLD,
    "threshold_met": [*_TO_THRESHOLD, "threshold_met"],
    "threshold_not_met": [*_TO_THRESHOLD, "threshold_not_met"],
    "withdrawn": ["acknowledged", "withdrawn"],
}
# How a closed case got there: (reviewed at a panel listing?, plan's actions, monitored?).
# A panel review names its listing; its plan recommends if it holds a non-interim action.
# A review recorded from the case page names none; it recommended if monitoring followed.
CLOSED_ROUTES = [
    (True, "recommended", True),
    (True, "recommended", True),
    (True, "interim_only", False),
    (True, "none", False),
    (False, "", True),
    (False, "", False),
]


def build(*, cases: int, incidents: int, today: dt.date | None = None, seed: int = 1) -> dict:
    """Bulk-insert ``cases`` cases (each with one open deadline, a tenth of them
    escalating actions, its administering body involved, and the timeline of
    transitions that brought it to its state: closed cases were reviewed, most at a
    panel listing with an action plan) and ``incidents`` incidents spread over two years
    and twice as many complainants as cases. Reference data must be loaded. Returns the
    counts."""
    from cases.models import Case, Incident, Person
    from deadlines.constants import DeadlineState, Responsible
    from deadlines.models import Deadline
    from partnerships.models import Area, ProcedureVersion, User

    today = today or timezone.localdate()
    rng = random.Random(seed)
    areas = list(Area.objects.select_related("administering_agency").order_by("pk"))
    if not areas:
        raise CommandError("Load the reference data first (manage.py load_demo).")
    versions = {}
    for version in ProcedureVersion.objects.order_by("procedure_id", "number"):
        versions[version.procedure_id] = version
    staff = {a.pk: list(User.objects.filter(agency=a.administering_agency)) for a in areas}
    start = Case.objects.count()
    with transaction.atomic():
        people = Person.objects.bulk_create(
            [Person(name=f"Bench Person {start + i}", postcode="AB1 2CD") for i in range(cases)],
            batch_size=2000,
        )
        made = []
        for i, person in enumerate(people):
            area = areas[i % len(areas)]
            state = (OPEN_CASE_STATES if i % 3 else CLOSED_CASE_STATES)[i % 4 % 3]
            made.append(
                Case(
                    reference=f"BEN-{start + i:07d}",
                    area=area,
                    procedure_version=versions[area.procedure_id],
                    channel="phone",
                    received_on=today - dt.timedelta(days=rng.randint(0, 400)),
                    applicant_type="victim",
                    applicant=person,
                    victim=person,
                    summary="Bench",
                    state=state,
                )
            )
        Case.objects.bulk_create(made, batch_size=2000)
        deadlines = []
        for i, case in enumerate(made):
            due = today + dt.timedelta(days=rng.randint(-60, 120))
            escalates = i % 10 == 0
            officers = staff[case.area_id]
            deadlines.append(
                Deadline(
                    key=f"bench:{case.pk}",
                    case=case,
                    step="action" if escalates else "threshold_decision",
                    rule="Fit a door entry system" if escalates else "Decide within 10 days",
                    started_on=due - dt.timedelta(days=14),
                    due=due,
                    original_due=due,
                    state=DeadlineState.OPEN,
                    responsible_role=Responsible.CASE_OFFICER,
                    responsible_user=officers[i % len(officers)] if officers and i % 2 else None,
                    responsible_agency=case.area.administering_agency,
                    escalates=escalates,
                )
            )
        Deadline.objects.bulk_create(deadlines, batch_size=2000)
        victims = max(1, cases * 2)
        log = []
        for j in range(incidents):
            victim = rng.randrange(victims)
            area = areas[victim % len(areas)]
            day = today - dt.timedelta(days=rng.randint(0, 730))
            on_case = made[victim] if victim < len(made) and rng.random() < 0.3 else None
            log.append(
                Incident(
                    area=area,
                    case=on_case,
                    source="import",
                    kind="diary_sheet" if j % 10 == 0 else "report",
                    incident_date=day,
                    reported_date=day + dt.timedelta(days=rng.choice([0, 1, 1, 2, 5, 40])),
                    description="Bench incident",
                    issue=rng.choice(["noise", "noise", "litter", "harassment"]),
                    location=f"{rng.randint(1, 200)} High Street",
                    complainant_key=f"bench-{start}-{victim}",
                )
            )
            if len(log) >= 5000:
                Incident.objects.bulk_create(log)
                log = []
        Incident.objects.bulk_create(log)
        histories = _add_histories(made, staff=staff, today=today, seed=seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"cases": cases, "deadlines": cases, "incidents": incidents, **histories}


def _add_histories(made, *, staff, today: dt.date, seed: int) -> dict:
    """Each case's administering involvement and transitions (sealed into its hash chain
    as ``timeline_record`` would), and for panel reviews the meeting, listing and plan.

    Its own random stream, so the cases, deadlines and incidents above are the same
    whether or not this runs."""
    from asbcr import audit_chain as chain
    from cases.models import CaseAgency, TimelineEvent
    from panels.models import Action, Listing, Meeting
    from partnerships.models import User

    rng = random.Random(seed + 7919)
    anyone = User.objects.filter(is_active=True).order_by("pk").first()
    CaseAgency.objects.bulk_create(
        [
            CaseAgency(case=case, agency=case.area.administering_agency, role="administering")
            for case in made
            if case.area.administering_agency_id
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    end = timezone.make_aware(dt.datetime.combine(today, dt.time(5)))
    events, reviews = [], []  # reviews: (case, its review event, plan, listed?)
    for case in made:
        if case.state == "closed":
            listed, plan, monitored = CLOSED_ROUTES[rng.randrange(len(CLOSED_ROUTES))]
            path = [*_REVIEWED, *(["monitoring"] if monitored else []), "closed"]
        else:
            listed, plan, path = False, "", HISTORIES[case.state]
        start = timezone.make_aware(dt.datetime.combine(case.received_on, dt.time(0, 30)))
        step = (end - start) / (len(path) + 1)
        previous = "received"
        for n, to_state in enumerate(path, start=1):
            event = TimelineEvent(
                case=case,
                kind="transition",
                from_state=previous,
                to_state=to_state,
                at=start + step * n,
                summary=f"Moved to {to_state.replace('_', ' ')}",
                detail={"transition": to_state},
            )
            events.append(event)
            if to_state == "reviewed":
                reviews.append((case, event, plan, listed))
            previous = to_state
    meetings: dict[tuple, Meeting] = {}
    for case, event, _, listed in reviews:
        key = (case.area_id, timezone.localdate(event.at))
        if listed and key not in meetings:
            meetings[key] = Meeting(
                area_id=case.area_id,
                kind="ad_hoc",
                starts_at=timezone.make_aware(dt.datetime.combine(key[1], dt.time(10))),
                status="held",
                purpose="Bench",
            )
    Meeting.objects.bulk_create(meetings.values(), batch_size=2000)
    listings = {}
    for case, event, _, listed in reviews:
        if listed:
            meeting = meetings[(case.area_id, timezone.localdate(event.at))]
            listings[case.pk] = Listing(meeting=meeting, case=case, status="final")
    Listing.objects.bulk_create(listings.values(), batch_size=2000)
    actions = []
    for case, event, plan, listed in reviews:
        if not listed:
            continue
        listing = listings[case.pk]
        event.detail = {"transition": "reviewed", "listing_id": listing.pk}
        officers = staff[case.area_id] or [anyone]
        planned = {"recommended": rng.randint(1, 4), "interim_only": 1}.get(plan, 0)
        for k in range(planned if case.area.administering_agency_id else 0):
            actions.append(
                Action(
                    case=case,
                    listing=listing,
                    what="Fit a door entry system",
                    why="Bench",
                    agency_id=case.area.administering_agency_id,
                    owner=officers[k % len(officers)],
                    due_on=timezone.localdate(event.at) + dt.timedelta(days=28),
                    status="done",
                    interim=plan == "interim_only",
                )
            )
    Action.objects.bulk_create(actions, batch_size=2000)
    last: dict[int, str] = {}
    for event in events:
        chain.seal_timeline(event, prev_hash=last.get(event.case_id, ""))
        last[event.case_id] = event.row_hash
    TimelineEvent.objects.bulk_create(events, batch_size=2000)
    return {"transitions": len(events), "listings": len(listings), "actions": len(actions)}


class Command(BaseCommand):
    help = "Bulk-insert cases, open deadlines and incidents into a scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1000)
        parser.add_argument("--incidents", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--yes", action="store_true", help="Yes, fill this database.")

    def handle(self, *args, cases, incidents, seed, yes, **options):
        if not (yes or settings.DEBUG):
            raise CommandError("This fills the database with made-up data: add --yes.")
        from partnerships.reference import load_reference_data

        load_reference_data(with_users=True)
        counts = build(cases=cases, incidents=incidents, seed=seed)
        self.stdout.write(
            f"Added {counts['cases']} cases with one open deadline each and "
            f"{counts['incidents']} incidents."
        )
