"""A case with two known people (and a perpetrator), for subject access tests."""

import datetime as dt

from django.utils import timezone

from cases.constants import ApplicantType, Channel, Relationship
from cases.models import ImpactStatement
from cases.services import ApplicationInput, IncidentInput, PersonInput, case_receive
from letters.models import Letter
from panels.models import Listing, Meeting
from partnerships.models import Agency

ANNA = {
    "name": "Anna Kowalski",
    "email": "anna.kowalski@example.org",
    "phone": "07700 900222",
    "postcode": "WD6 1AA",
    "address": "12 Elm Road\nBorehamwood",
}
BRENDA = {
    "name": "Brenda Okafor",
    "email": "brenda.okafor@example.net",
    "phone": "07700 900111",
    "postcode": "WD6 2BB",
    "address": "3 Oak Close\nBorehamwood",
}
PERPETRATOR = "Carl Dempsey"

BRENDA_TRACES = ["Brenda", "Okafor", "brenda.okafor", "900111", "WD6 2BB", "WD62BB", "Oak Close"]
"""Anything that would identify the other person if it appeared in Anna's export."""


def two_person_case(*, area, by, victim=None, applicant=None, police_incident=True):
    """Brenda applies on behalf of Anna, the victim; the incidents name Brenda and the
    perpetrator; one incident was reported to the police."""
    victim = victim or ANNA
    applicant = applicant or BRENDA
    today = timezone.localdate()
    police = Agency.objects.filter(kind="police", areas=area).first()
    incidents = [
        IncidentInput(
            incident_date=today - dt.timedelta(days=40),
            reported_date=today - dt.timedelta(days=39),
            reported_to=police if police_incident else None,
            description=(
                f"{PERPETRATOR} shouted abuse at {victim['name']} in the street. "
                f"{applicant['name']} saw it and rang {applicant['phone']}."
            ),
        ),
        IncidentInput(
            incident_date=today - dt.timedelta(days=20),
            reported_date=today - dt.timedelta(days=19),
            description=f"Music until 3am. {applicant['name']} ({applicant['email']}) heard it too.",
        ),
    ]
    data = ApplicationInput(
        channel=Channel.PHONE,
        received_on=today,
        applicant_type=ApplicantType.THIRD_PARTY,
        applicant=PersonInput(**applicant),
        victim=PersonInput(**victim),
        relationship=Relationship.FRIEND,
        victim_consent=True,
        summary=f"{applicant['name']} says {victim['name']} is afraid to leave home.",
        impact=f"{victim['name']} no longer sleeps. Her friend lives at {applicant['postcode']}.",
        incidents=incidents,
        perpetrators=[{"name": PERPETRATOR, "description": "Lives at number 14."}],
    )
    case = case_receive(by=by, area=area, data=data)
    ImpactStatement.objects.create(
        case=case,
        source=ImpactStatement.Source.WRITTEN_PAPER,
        given_by=victim["name"],
        text=f"I am frightened. {applicant['name']} has been a great help.",
    )
    for name, person in ((victim["name"], case.victim), (applicant["name"], case.applicant)):
        Letter.objects.create(
            case=case,
            kind="CR1",
            recipient_name=name,
            recipient_address=f"{person.address}\n{person.postcode}",
            recipient_email=person.email,
            channel="email",
            sent_by=by,
            pdf="letters/test.pdf",
            sha256="0" * 64,
        )
    meeting = Meeting.objects.create(
        area=area, kind="ad_hoc", starts_at=timezone.now() + dt.timedelta(days=7), created_by=by
    )
    Listing.objects.create(
        meeting=meeting,
        case=case,
        victim_attendee_name=applicant["name"],
        summary=f"{victim['name']} described the abuse; {applicant['name']} supported her.",
        created_by=by,
    )
    return case
