import datetime as dt

import pytest
from django.utils import timezone
from pypdf import PdfReader

from appeals.audit import compliance_checklist
from appeals.bundle import ITEMS, bundle_context, bundle_items, render_bundle_pdf
from appeals.constants import AuditAnswer
from appeals.services import appeal_compliance_record, appeal_evidence_note, appeal_lodge
from cases.constants import Channel
from cases.models import Incident, Person
from cases.services import impact_statement_add, risk_assess
from tests.appeals.factories import threshold_not_met_case
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


def _appeal(reference, case):
    return appeal_lodge(
        case=case,
        by=reference["users"]["devon.officer"],
        grounds=["A"],
        applicant_words="Nobody listened to me.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )


def test_every_appendix_a_item_shows_its_availability(reference):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _appeal(reference, case)
    items = {i.key: i for i in bundle_items(appeal)}
    assert list(items) == [key for key, _ in ITEMS]
    assert len(items) == 12
    assert items["application"].available and items["procedure"].available
    assert items["threshold"].available  # the recorded decision and its reasons
    assert not items["minutes"].available  # no panel: the threshold was not met
    assert not items["minutes"].missing_reason
    appeal_evidence_note(
        appeal=appeal,
        by=reference["users"]["devon.officer"],
        item="minutes",
        reason="There was no panel meeting: the threshold was not met.",
    )
    items = {i.key: i for i in bundle_items(appeal)}
    assert items["minutes"].missing_reason.startswith("There was no panel meeting")


def test_the_pdf_has_a_contents_page_and_no_one_outside_the_case(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    # Personal data of people outside the case: another case's victim, and an incident
    # in the area's incident log that is not on this case.
    other = receive_case(
        area=case.area, by=users["devon.officer"], summary="Zebedee Outsider's own problem"
    )
    Person.objects.filter(pk=other.victim_id).update(name="Zebedee Outsider")
    stranger = Person.objects.create(name="Quentin Stranger")
    Incident.objects.create(
        area=case.area,
        source="staff",
        incident_date=timezone.localdate() - dt.timedelta(days=3),
        description="Quentin Stranger reported shouting",
        complainant=stranger,
    )
    impact_statement_add(
        case=case, by=users["devon.officer"], source="written_paper", text="I cannot sleep."
    )
    appeal = _appeal(reference, case)
    pdf = render_bundle_pdf(bundle_context(appeal))
    reader = PdfReader(__import__("io").BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    first_page = reader.pages[0].extract_text()
    assert "Appendix A" in first_page
    for _key, title in ITEMS:
        assert title.split(" ")[0] in text
    assert "I cannot sleep." in text
    assert case.reference in text
    assert "Zebedee" not in text and "Quentin" not in text
    assert len(reader.pages) >= 13  # a contents page, then one section per item


def test_letters_as_sent_are_attached_after_the_bundle(reference):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _appeal(reference, case)  # sends the CR3a letter
    context = bundle_context(appeal)
    assert any(label.startswith("Letter: ") for label, _ in context["attachments"])
    support = {i.key: i for i in context["items"]}["support"]
    assert any("Support services listed in the letter" in e.label for e in support.entries)
    reader = PdfReader(__import__("io").BytesIO(render_bundle_pdf(context)))
    text = reader.pages[0].extract_text()
    assert "Attached documents" in text
    letter = "\n".join(p.extract_text() for p in reader.pages[-2:])
    assert "We have your appeal" in letter  # the CR3a, as sent
    # The letter as sent says when the result is due, in its own words (the procedure's
    # stage rules are staff wording and stay out of it).
    assert "tell you the result by" in " ".join(letter.split())


def test_compliance_checklist_prefills_from_the_record(reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _appeal(reference, case)
    checklist = {i.key: i for i in compliance_checklist(appeal)}
    assert checklist["risk_before"].suggested == AuditAnswer.NO
    assert "No risk assessment" in checklist["risk_before"].basis
    assert checklist["victim_told"].suggested == AuditAnswer.YES
    assert checklist["procedure"].suggested == AuditAnswer.YES

    fresh = receive_case(area=case.area, by=users["devon.officer"])
    matrix = fresh.procedure_version.section("risk_matrices")[0]
    answers = {q["key"]: next(iter(q["options"])) for q in matrix["questions"]}
    risk_assess(
        case=fresh,
        by=users["devon.officer"],
        subject="victim",
        matrix_key=matrix["key"],
        answers=answers,
        assessed_on=timezone.localdate(),
    )
    from cases.services import case_transition

    for name in ("acknowledge", "start_gathering"):
        fresh = case_transition(case=fresh, name=name, by=users["devon.officer"])
    fresh = case_transition(
        case=fresh, name="record_threshold_not_met", by=users["devon.officer"], reason="Not met."
    )
    appeal = _appeal(reference, fresh)
    checklist = {i.key: i for i in compliance_checklist(appeal)}
    assert checklist["risk_before"].suggested == AuditAnswer.YES

    appeal_compliance_record(
        appeal=appeal,
        by=users["devon.reviewer"],
        answers={"risk_before": (AuditAnswer.PARTLY, "Victim only; no perpetrator assessment.")},
    )
    checklist = {i.key: i for i in compliance_checklist(appeal)}
    assert checklist["risk_before"].answer == AuditAnswer.PARTLY
    assert checklist["risk_before"].suggested == AuditAnswer.YES
