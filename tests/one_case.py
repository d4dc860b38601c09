"""One Hertsmere case with a record of every kind a staff URL can name: incidents,
evidence, an impact statement, a panel listing on a meeting with an action, letters,
deadlines, an appeal with its stages and a recommendation, a subject access request
for its victim, a tracking link; and in its area a review suggestion, a second-report
notice and a data return. Built through the services where a service makes the record
(the final plan and outcome letter come from ``tests.evidence``; the recommendation,
suggestion and notice are written directly), for walking every staff URL with arguments
that all belong to this one case.

Its circle: the administering council (Hertsmere's officers), the police (an incident
was reported to them: Hertsmere's SPOC), the area's partnership admin, the chair named on
its panel and the reviewer named on its appeal. Clarion Housing is not involved, so
``hertsmere.housing`` holds a SPOC's and a panel member's roles in the area and is still
outside it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appeals.constants import RecommendationKind
from appeals.models import Recommendation
from appeals.services import appeal_assign_reviewer, appeal_lodge
from cases.constants import Channel
from cases.models import Case
from cases.services import case_transition, evidence_attach, impact_statement_add
from letters.constants import LetterKind
from panels import services as panels
from panels.constants import MemberRole
from panels.services import ActionInput
from privacy.services import SarInput, sar_open
from public.services import tracking_link_issue
from reporting.periods import last_complete_financial_year
from reporting.services import data_return_produce
from tests.evidence import with_evidence
from tests.factories import IncidentInputFactory, PersonInputFactory, days_ago, receive_case
from tests.panels.factories import meeting_in
from thresholds.models import ReviewSuggestion, SecondReportNotice

VICTIM_NAME = "Philippa Quenby-Starling"
"""Distinctive enough that finding it in a page means the page shows this case."""


@dataclass
class OneCase:
    case: Case
    victim_name: str
    values: dict[str, list[str]] = field(default_factory=dict)
    """URL argument name (or ``pk:<route prefix>``, see ``values_for``) -> the case's records."""
    area_values: dict[str, list[str]] = field(default_factory=dict)
    """The same for the case's area's records, which are not the case's own."""


def one_case_with_everything(reference) -> OneCase:
    area = reference["areas"]["hertsmere"]
    users = reference["users"]
    officer, chair, admin = (
        users["hertsmere.officer"],
        users["hertsmere.chair"],
        users["hertsmere.admin"],
    )
    police = reference["agencies"]["hertfordshire-constabulary"]
    case = receive_case(
        area=area,
        by=officer,
        applicant=PersonInputFactory(name=VICTIM_NAME, email="pqs@example.org"),
        incidents=[
            IncidentInputFactory(
                incident_date=days_ago(d), reported_date=days_ago(d - 1), reported_to=police
            )
            for d in (50, 30, 10)
        ],
    )
    for name in ("acknowledge", "start_gathering"):
        case = case_transition(case=case, name=name, by=officer)
    evidence = evidence_attach(
        case=case,
        by=officer,
        upload=SimpleUploadedFile(
            "diary.txt", b"Diary of the noise, night by night.\n", "text/plain"
        ),
        description="The victim's diary",
    )
    statement = impact_statement_add(
        case=case,
        by=officer,
        source="written_paper",
        text="I cannot sleep.",
        given_by=VICTIM_NAME,
        attachment=SimpleUploadedFile("statement.txt", b"I cannot sleep.\n", "text/plain"),
    )
    case = case_transition(
        case=case, name="record_threshold_met", by=officer, reason="Three incidents"
    )
    meeting = meeting_in(area, by=officer)
    listing = panels.case_list_for_meeting(
        case=case, meeting=meeting, by=officer, late_reason="Urgent"
    )
    panels.panel_member_add(listing=listing, by=officer, user=chair, role=MemberRole.CHAIR)
    action = panels.action_add(
        case=case,
        by=officer,
        interim=True,
        data=ActionInput(
            what="Fit a doorbell camera",
            why="Threats at the door",
            owner=users["hertsmere.spoc"],
            due_on=days_ago(-7),
        ),
    )
    case = Case.objects.get(pk=case.pk)
    for name in ("arrange_panel", "record_review", "send_outcome"):
        if name == "arrange_panel" and case.state == "panel_arranged":
            continue  # listing the case on a meeting arranged its panel
        with_evidence(case, name, officer)
        case = case_transition(case=case, name=name, by=officer)
    appeal = appeal_lodge(
        case=case,
        by=officer,
        grounds=[g["key"] for g in case.procedure_version.section("appeal")["grounds"]][:1],
        applicant_words="Nobody listened.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )
    reviewer = users["hertsmere.reviewer"]
    if appeal.reviewer_id is None:
        appeal = appeal_assign_reviewer(appeal=appeal, reviewer=reviewer, by=officer)
    stages = list(appeal.stages.order_by("order"))
    recommendation = Recommendation.objects.create(
        appeal=appeal, kind=RecommendationKind.values[0], text="Share logs weekly.", body=police
    )
    incidents = list(case.incidents.order_by("pk"))
    suggestion = ReviewSuggestion.objects.create(
        area=area,
        complainant_key="demo:hertsmere:one-case",
        latest_incident_date=incidents[-1].incident_date,
        explanation={"routes": []},
        incident_ids=[i.pk for i in incidents],
    )
    notice = SecondReportNotice.objects.create(
        area=area,
        complainant_key="demo:hertsmere:one-case",
        first_incident=incidents[0],
        second_incident=incidents[1],
    )
    year = last_complete_financial_year()
    data_return, _ = data_return_produce(area=area, year=year, by=admin)
    sar = sar_open(
        by=admin,
        area=area,
        data=SarInput(
            requester_name=VICTIM_NAME,
            requester_contact="pqs@example.org",
            received_on=timezone.localdate() - dt.timedelta(days=1),
            identity_checked=True,
            subject_name=VICTIM_NAME,
            subject_email="pqs@example.org",
        ),
    )
    token = tracking_link_issue(case=case, by=officer)
    letters = list(case.letters.order_by("pk"))
    deadlines = list(case.deadlines.order_by("pk"))
    return OneCase(
        case=case,
        victim_name=VICTIM_NAME,
        values={
            "reference": [case.reference],
            "name": [t.name for t in case.get_available_user_state_transitions(officer)][:1],
            "kind": [LetterKind.OUTCOME],
            "token": [token],
            "rec_pk": [str(recommendation.pk)],
            "stage_pk": [str(stages[0].pk)],
            "person_id": [str(case.victim_id or case.applicant_id)],
            "pk:staff/cases/<reference:reference>/evidence/": [str(evidence.pk)],
            "pk:staff/cases/<reference:reference>/impact-statement/": [str(statement.pk)],
            "pk:staff/deadlines/": [str(deadlines[0].pk)],
            "pk:staff/letters/letter/": [str(letters[0].pk)],
            "pk:staff/panels/meetings/": [str(meeting.pk)],
            "pk:staff/panels/panel/": [str(listing.pk)],
            "pk:staff/panels/actions/": [str(action.pk)],
            "pk:staff/appeals/": [str(appeal.pk)],
            "pk:staff/privacy/requests/": [str(sar.pk)],
        },
        area_values={
            "area": [area.slug],
            "slug": [area.slug],
            "fmt": ["csv"],
            "year": [str(year)],
            "number": [str(area.procedure.current_version.number)],
            "user_id": [str(officer.pk)],
            "pk:staff/thresholds/queue/suggestion/": [str(suggestion.pk)],
            "pk:staff/thresholds/queue/notice/": [str(notice.pk)],
            "pk:staff/reporting/data-return/download/": [str(data_return.pk)],
        },
    )
