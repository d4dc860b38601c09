"""Cases in the states each letter needs, for the five seed areas."""

from cases import services
from cases.constants import InvolvementRole
from partnerships.models import Agency
from tests.evidence import with_evidence
from tests.factories import receive_case

# One area per seed procedure, and its demo case officer.
SEED_AREAS = {
    "hertsmere": "hertsmere.officer",
    "staffordshire": "staffordshire.officer",
    "devon-and-cornwall": "devon.officer",
    "bedford": "bedford.officer",
    "merton": "merton.officer",
}


def step(case, name, by, reason=""):
    with_evidence(case, name, by)
    return services.case_transition(case=case, name=name, by=by, reason=reason)


def gathering_case(*, area, by, **overrides):
    """A case acknowledged, with a relevant body involved and responses asked for."""
    case = receive_case(area=area, by=by, **overrides)
    case = step(case, "acknowledge", by)
    agency = Agency.objects.filter(areas=area).exclude(pk=area.administering_agency_id).first()
    services.case_involve_agency(
        case=case, agency=agency, by=by, role=InvolvementRole.RELEVANT_BODY, quiet=True
    )
    return step(case, "start_gathering", by)


def case_in_state(*, area, by, state: str, reason="Reasons given by the officer.", **overrides):
    """Walk a new case to ``state`` through the real transitions."""
    if state == "received":
        return receive_case(area=area, by=by, **overrides)
    case = gathering_case(area=area, by=by, **overrides)
    at_meeting = bool(case.procedure_version.section("decision").get("at_meeting"))
    if state == "gathering_information":
        return case
    if state == "threshold_not_met":
        return step(case, "record_threshold_not_met", by, reason)
    if state == "withdrawn":
        return step(case, "withdraw", by, reason)
    if at_meeting:
        case = step(case, "arrange_panel_for_decision", by)
        if state == "panel_arranged":
            return case
    else:
        case = step(case, "record_threshold_met", by, reason)
        if state == "threshold_met":
            return case
        case = step(case, "arrange_panel", by)
        if state == "panel_arranged":
            return case
    case = step(case, "record_review", by)
    if state == "reviewed":
        return case
    raise ValueError(state)
