"""The compliance audit (Devon & Cornwall OPCC pack, Appendix B, "Compliance Audit
Checklist - Statutory Guidance"), pre-filled from the case record for the reviewer.

Each question gets a suggested answer and the facts it rests on; the reviewer records
their own answer (``appeals.services.appeal_compliance_record``).
"""

from dataclasses import dataclass

from appeals.bundle import _threshold_decided_on, deadline_rows, support_offered
from appeals.constants import AuditAnswer
from appeals.models import Appeal
from cases.constants import CaseState, EventKind

Y, N, P, U = AuditAnswer.YES, AuditAnswer.NO, AuditAnswer.PARTLY, AuditAnswer.UNKNOWN


@dataclass
class AuditItem:
    key: str
    heading: str
    question: str
    suggested: str
    basis: str
    answer: str = ""
    note: str = ""

    @property
    def suggested_label(self) -> str:
        return AuditAnswer(self.suggested).label


def _procedure(case):
    v = case.procedure_version
    return Y, f"The case was handled under {v}, pinned when the application was received."


def _timescales(case):
    rows = [r for r in deadline_rows(case) if r["status"] != "not_started"]
    if not rows:
        return U, "No deadlines are recorded for this case."
    late = [r for r in rows if r["status"] in ("late", "breached")]
    if not late:
        return Y, f"All {len(rows)} recorded deadlines were met or are still open."
    return N, "Missed: " + "; ".join(f"{r['rule']} ({r['status']})" for r in late)


def _risk_before(case):
    decided_on = _threshold_decided_on(case)
    assessments = list(case.risk_assessments.all())
    if not assessments:
        return N, "No risk assessment is recorded on the case."
    if decided_on is None:
        return U, "The threshold has not been decided."
    before = [a for a in assessments if a.assessed_on <= decided_on]
    if before:
        return (
            Y,
            f"{len(before)} assessment(s) on or before the decision on {decided_on:%-d %B %Y}.",
        )
    return N, f"The first assessment is after the threshold decision on {decided_on:%-d %B %Y}."


def _risk_during(case):
    decided_on = _threshold_decided_on(case)
    if decided_on is None:
        return U, "The threshold has not been decided."
    during = case.risk_assessments.filter(assessed_on__gt=decided_on).count()
    if case.state == CaseState.THRESHOLD_NOT_MET and not during:
        return U, "The threshold was not met, so there was no review to assess during."
    return (
        (Y, f"{during} assessment(s) after the decision.")
        if during
        else (
            N,
            "No risk assessment is recorded after the threshold decision.",
        )
    )


def _impact(case):
    statements = case.impact_statements.count()
    if statements:
        return Y, f"{statements} impact statement(s) on the record."
    if case.impact.strip():
        return P, "The application describes the impact; no impact statement is recorded."
    return N, "No impact statement and no description of the impact."


def _hate(case):
    hate = case.incidents.filter(hate_motivated=True).count()
    if not hate:
        return U, "No incident on the case is marked as hate-motivated."
    assessed = case.risk_assessments.exists()
    return (Y if assessed else N), (
        f"{hate} hate-motivated incident(s); "
        + ("risk assessed." if assessed else "no risk assessment recorded.")
    )


def _support(case):
    """The bundle's definition of support offered (``appeals.bundle.support_offered``)."""
    offered = support_offered(case)
    if offered:
        return Y, f"{len(offered)} record(s) of support offered or provided: " + "; ".join(
            e.label for e in offered[:3]
        ) + ("; ..." if len(offered) > 3 else "") + "."
    return N, "No record of support services offered to the applicant."


def _multi_agency(case):
    involved = case.involvements.count()
    responded = case.involvements.exclude(response_received_on=None).count()
    if involved <= 1:
        return N, "Only one body is involved in the case."
    answer = Y if responded == involved else P
    return answer, f"{involved} bodies involved; {responded} returned their response."


def _information_sharing(case):
    if case.victim_consent:
        return Y, "The victim consented to information being shared."
    if case.applicant_type == "victim":
        return Y, "The victim applied themselves."
    if case.consent_missing_reason:
        return P, f"No consent: {case.consent_missing_reason}"
    return U, "Consent to share information is not recorded."


def _independence(case):
    try:
        from appeals.evidence_panels import chair_independence
    except ImportError:
        chair_independence = None
    if chair_independence is not None:
        independent, basis = chair_independence(case)
        if independent is not None:
            return (Y if independent else N), basis
    events = [e for e in case.timeline.filter(kind=EventKind.PANEL) if "chair" in e.summary.lower()]
    independent = [e for e in events if e.detail.get("independent_chair") is True]
    if independent:
        return Y, "The panel chair was recorded as independent of the case."
    if events:
        return U, "A chair is recorded; check the minutes for independence."
    return U, "No panel chair is recorded on the case."


def _victim_heard(case):
    facts = []
    if case.wants_to_attend is not None:
        facts.append(
            "asked whether they wanted to attend" + (" (yes)" if case.wants_to_attend else " (no)")
        )
    if case.wants_to_send_statement is not None:
        facts.append("asked about an impact statement")
    statements = case.impact_statements.count()
    if statements:
        facts.append(f"{statements} impact statement(s) received")
    if not facts:
        return N, "No record that the victim was offered to attend or give a statement."
    return (Y if len(facts) >= 2 else P), "The victim was " + "; ".join(facts) + "."


def _victim_told(case):
    told = case.timeline.filter(
        kind__in=[EventKind.LETTER, EventKind.EMAIL, EventKind.TRANSITION],
        visible_to_applicant=True,
    )
    decision = told.filter(to_state__in=[CaseState.THRESHOLD_MET, CaseState.THRESHOLD_NOT_MET])
    outcome = told.filter(to_state=CaseState.OUTCOME_SENT)
    letters = told.filter(kind=EventKind.LETTER).count()
    facts = []
    if decision.exists():
        facts.append("the threshold decision")
    if outcome.exists():
        facts.append("the outcome and recommendations")
    if not facts:
        return N, "No record that the applicant was told the decision or the outcome."
    answer = Y if (outcome.exists() or case.state == CaseState.THRESHOLD_NOT_MET) else P
    return answer, f"Told {' and '.join(facts)}; {letters} letter(s) on the timeline."


QUESTIONS = [
    ("procedure", "Procedure", "Was the published local procedure followed?", _procedure),
    ("timescales", "Timescales", "Were all the procedure's timescales met?", _timescales),
    (
        "risk_before",
        "Risk assessment",
        "Was a risk assessment done before the threshold decision?",
        _risk_before,
    ),
    (
        "risk_during",
        "Risk assessment",
        "Were risks assessed continuously during the review?",
        _risk_during,
    ),
    (
        "impact",
        "Impacts caused by ASB",
        "Was the impact of the ASB on the victim considered?",
        _impact,
    ),
    (
        "hate",
        "Hate crimes and other offences",
        "Were hate-motivated incidents identified and assessed?",
        _hate,
    ),
    ("support", "Victim support", "Was the victim offered support services?", _support),
    (
        "multi_agency",
        "Multi-agency approach",
        "Did the relevant bodies work together on the case?",
        _multi_agency,
    ),
    (
        "information_sharing",
        "Information sharing",
        "Was consent to share information in place?",
        _information_sharing,
    ),
    ("independence", "Independence", "Was the chair independent of the case?", _independence),
    (
        "victim_heard",
        "Victim representation",
        "Was the victim offered to attend or give an impact statement?",
        _victim_heard,
    ),
    (
        "victim_told",
        "Providing victims with updates",
        "Was the victim told the decision, the outcome and the recommendations?",
        _victim_told,
    ),
]
AUDIT_KEYS = frozenset(q[0] for q in QUESTIONS)


def compliance_checklist(appeal: Appeal) -> list[AuditItem]:
    """Appendix B with a suggested answer from the record and the reviewer's own answer."""
    case = appeal.case
    recorded = {a.item: a for a in appeal.compliance.all()}
    items = []
    for key, heading, question, rule in QUESTIONS:
        suggested, basis = rule(case)
        item = AuditItem(key, heading, question, suggested, basis)
        if key in recorded:
            item.answer, item.note = recorded[key].answer, recorded[key].note
        items.append(item)
    return items
