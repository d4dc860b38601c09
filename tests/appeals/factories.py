"""Cases brought to a decision that can be appealed, for each seed procedure."""

from django.utils import timezone

from appeals.services import appeal_lodge
from cases.constants import Channel
from cases.services import case_transition
from partnerships.constants import Role
from partnerships.models import Agency, RoleAssignment, User
from tests.evidence import with_evidence
from tests.factories import receive_case

OFFICERS = {
    "staffordshire": "staffordshire.officer",
    "hertsmere": "hertsmere.officer",
    "devon-and-cornwall": "devon.officer",
    "bedford": "bedford.officer",
    "luton": "luton.officer",
    "central-bedfordshire": "centralbeds.officer",
    "merton": "merton.officer",
}


def threshold_not_met_case(reference, area_slug: str):
    """A case received, acknowledged, gathered and decided: threshold not met."""
    area = reference["areas"][area_slug]
    officer = reference["users"][OFFICERS[area_slug]]
    case = receive_case(area=area, by=officer)
    case = case_transition(case=case, name="acknowledge", by=officer)
    case = case_transition(case=case, name="start_gathering", by=officer)
    return case_transition(
        case=case,
        name="record_threshold_not_met",
        by=officer,
        reason="Only two of the incidents are within the last six months.",
    )


def outcome_sent_case(reference, area_slug: str):
    """A case reviewed by the panel, with the outcome sent to the applicant."""
    area = reference["areas"][area_slug]
    officer = reference["users"][OFFICERS[area_slug]]
    case = receive_case(area=area, by=officer)
    case = case_transition(case=case, name="acknowledge", by=officer)
    case = case_transition(case=case, name="start_gathering", by=officer)
    if case.procedure_version.section("decision").get("at_meeting"):
        case = case_transition(case=case, name="arrange_panel_for_decision", by=officer)
    else:
        case = case_transition(case=case, name="record_threshold_met", by=officer)
        case = case_transition(case=case, name="arrange_panel", by=officer)
    for name in ("record_review", "send_outcome"):
        with_evidence(case, name, officer)
        case = case_transition(case=case, name=name, by=officer)
    return case


def independent_reviewer(area, *, agency_slug: str, username: str) -> User:
    """An appeal reviewer from a body not involved in the area's cases (e.g. another CSP)."""
    user = User.objects.create_user(
        username=username,
        password="x",
        first_name="Indy",
        last_name=username.title(),
        agency=Agency.objects.get(slug=agency_slug),
    )
    RoleAssignment.objects.create(user=user, role=Role.APPEAL_REVIEWER, area=area)
    return user


def lodge_appeal(case, by):
    """An appeal lodged today by email on ground A, as an officer records one."""
    return appeal_lodge(
        case=case,
        by=by,
        grounds=["A"],
        applicant_words="Nobody listened.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )
