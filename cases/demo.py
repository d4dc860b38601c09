"""Demo cases in several states for every demo area (used by ``manage.py load_demo``).

Idempotent: an area that already has demo cases is left alone. Dates are relative to
today so the demo always has live deadlines.
"""

import datetime as dt

from django.utils import timezone

from cases import services
from cases.constants import ApplicantType, Channel
from cases.models import Case
from cases.services import ApplicationInput, IncidentInput, PersonInput
from partnerships.models import Agency, Area, User

VICTIMS = [
    (
        "Aisha Rahman",
        "14 Elm Court",
        "email",
        "noise",
        "Loud parties and shouting from the flat above until 3am.",
    ),
    (
        "Brian Tolley",
        "3 Canal Walk",
        "post",
        "drug dealing",
        "People dealing drugs in the stairwell and intimidating residents.",
    ),
    (
        "Corner Café Ltd",
        "22 High Street",
        "phone",
        "vandalism",
        "Windows smashed and graffiti on the shop front, week after week.",
    ),
    (
        "Dora Kowalski",
        "9 Mill Lane",
        "email",
        "harassment",
        "A neighbour shouts racist abuse at me and my children.",
    ),
    (
        "Ellis Morgan",
        "41 Park Road",
        "email",
        "youths gathering",
        "Groups of youths kicking footballs at cars and doors every night.",
    ),
]

DEMO_VICTIM_NAMES = [v[0] for v in VICTIMS]

# A journey that ends in a decision: where the bodies decide outside a meeting, the
# threshold app takes the case from here (``thresholds.demo``, loaded after this module).
DECIDE_STEPS = {"DECIDE_MET": True, "DECIDE_NOT_MET": False}

# (state path to walk, victim index)
JOURNEYS = [
    ([], 0),
    (["acknowledge"], 1),
    (["acknowledge", "start_gathering"], 2),
    (["acknowledge", "start_gathering", "DECIDE_MET"], 3),
    (["acknowledge", "start_gathering", "DECIDE_NOT_MET"], 4),
]


def _postcode(area: Area) -> str:
    district = (area.postcode_districts or ["AB1"])[0]
    return f"{district} 1AA"


def _application(area: Area, victim_index: int, today: dt.date) -> ApplicationInput:
    name, street, contact, issue, summary = VICTIMS[victim_index]
    police = Agency.objects.filter(areas=area, kind="police").first()
    council = area.administering_agency
    incidents = []
    # The last demo victim reported two incidents too late to qualify (40 days after).
    late = victim_index == len(VICTIMS) - 1
    for i, days_back in enumerate((100, 80, 20) if late else (70, 45, 20)):
        happened = today - dt.timedelta(days=days_back)
        lag = 40 if late and i < 2 else 1 + i
        incidents.append(
            IncidentInput(
                incident_date=happened,
                reported_date=happened + dt.timedelta(days=lag),
                reported_to=police if i % 2 == 0 else council,
                agency_reference=f"{'CAD' if i % 2 == 0 else 'ASB'}-{4100 + victim_index * 10 + i}",
                description=f"{summary.split('.')[0]} (incident {i + 1}).",
                issue=issue,
                location=street,
                hate_motivated=issue == "harassment",
            )
        )
    kind = "business" if "Ltd" in name else "person"
    return ApplicationInput(
        channel=[Channel.PHONE, Channel.EMAIL, Channel.ONLINE, Channel.IN_PERSON, Channel.LETTER][
            victim_index
        ],
        received_on=today - dt.timedelta(days=12 - victim_index * 2),
        applicant_type=ApplicantType.VICTIM,
        applicant=PersonInput(
            name=name,
            kind=kind,
            address=f"{street}\n{area.name}",
            postcode=_postcode(area),
            email=f"{name.split()[0].lower()}@example.org",
            phone="07700 900123",
            preferred_contact=contact,
            accessibility_needs="Large print letters, please." if victim_index == 1 else "",
        ),
        summary=summary,
        impact="I can't sleep and I'm afraid to leave the house.",
        wants_to_attend=victim_index % 2 == 0,
        wants_to_send_statement=True,
        incidents=incidents,
    )


def demo_officer(area: Area) -> User | None:
    """The officer who works the area's demo cases."""
    return (
        User.objects.filter(role_assignments__area=area, role_assignments__role="case_officer")
        .order_by("username")
        .first()
    )


def load_demo(stdout) -> None:
    today = timezone.localdate()
    created = 0
    for area in Area.objects.select_related("procedure").order_by("slug"):
        if Case.objects.filter(area=area, victim__name__in=DEMO_VICTIM_NAMES).exists():
            continue
        officer = demo_officer(area)
        if officer is None:
            continue
        at_meeting = area.procedure.current_version.data.get("decision", {}).get("at_meeting")
        for path, victim_index in JOURNEYS:
            case = services.case_receive(
                by=officer, area=area, data=_application(area, victim_index, today)
            )
            case = services.case_update_details(
                case=case,
                by=officer,
                lock_version=case.lock_version,
                changes={"asb_persists": True},
            )
            created += 1
            for name in path:
                if name in DECIDE_STEPS and not at_meeting:
                    continue  # the threshold engine decides these: thresholds.demo, next
                reason = ""
                if name == "DECIDE_MET":
                    name = "arrange_panel_for_decision"
                elif name == "DECIDE_NOT_MET":
                    name, reason = (
                        "withdraw",
                        "You asked us to stop the review, because the problem has stopped.",
                    )
                case = services.case_transition(case=case, name=name, by=officer, reason=reason)
    stdout.write(f"Demo cases: {created} created.")
