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
from tests.system import needs_poppler, pdftotext

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
    assert any("Support services listed in the " in e.label for e in support.entries)
    reader = PdfReader(__import__("io").BytesIO(render_bundle_pdf(context)))
    text = reader.pages[0].extract_text() + reader.pages[1].extract_text()
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


# -- issue 20: Appendix A as the OPCC wrote it ------------------------------------------

APPENDIX_A = [
    "A copy of the applicants' request for an ASB Case Review (application form).",
    "A copy of the relevant ASB Case Review policy and process that has been followed.",
    "Documents detailing the evidence, decision and rationale on whether or not the case was "
    "considered to meet the threshold for an ASB Case Review.",
    "Evidence that risk assessments have been undertaken, both before the threshold "
    "evaluation by the relevant agency and during the ASB Case Review process (redacted when "
    "necessary).",
    "A timeline recording activity undertaken against the requirements of the (locally "
    "agreed) ASB Case Review procedure from the receipt of the application to the conclusion "
    "of the ASB Case Review.",
    "Evidence of any support services offered / provided to the applicant/s.",
    "A copy of the Panel meeting minutes or transcript / or recording of the meeting - this "
    "should include information on who attended the meeting and a copy of the Victim/s' "
    "Impact Statement.",
    "Evidence of any correspondence with the applicant/s relevant to the ASB Case Review "
    "(emails, letters etc.)",
    "The ASB Case Review action plan and delivery plan, including timeframes and deadlines.",
    "A copy the updated action plan, including actions that have been successfully completed "
    "within the set deadlines, those that are overdue or are still ongoing.",
    "Any additional information/ evidence / documentation that may be relevant to the "
    "applicant/s' case.",
    "Any relevant evidenced information that became available after the ASB Case Review was "
    "officially closed.",
]


def pdf_pages(pdf: bytes) -> list[str]:
    text = pdftotext(pdf, "-raw")
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@needs_poppler
def test_the_rows_are_appendix_a_in_its_order_and_words(reference):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _appeal(reference, case)
    items = bundle_items(appeal)
    assert [i.title for i in items] == APPENDIX_A
    text = " ".join(pdf_pages(render_bundle_pdf(bundle_context(appeal))))
    for title in APPENDIX_A:
        assert title in text


def _assess(case, by, on):
    matrix = case.procedure_version.section("risk_matrices")[0]
    answers = {q["key"]: next(iter(q["options"])) for q in matrix["questions"]}
    risk_assess(
        case=case,
        by=by,
        subject="victim",
        matrix_key=matrix["key"],
        answers=answers,
        assessed_on=on,
    )


@needs_poppler
def test_one_risk_assessment_of_two_is_partly_available_and_asks_for_the_reason(reference):
    from tests.appeals.factories import outcome_sent_case

    officer = reference["users"]["devon.officer"]
    case = outcome_sent_case(reference, "devon-and-cornwall")
    _assess(case, officer, case.received_on)  # before the decision; none during the review
    appeal = appeal_lodge(
        case=case,
        by=officer,
        grounds=["B"],
        applicant_words="They stopped checking on me.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )
    risk = {i.key: i for i in bundle_items(appeal)}["risk"]
    assert risk.status == "partly" and risk.status_label == "Partly available"
    assert not risk.available
    assert risk.missing_parts == ["a risk assessment during the review"]
    text = " ".join(pdf_pages(render_bundle_pdf(bundle_context(appeal))))
    assert (
        "Partly available. Missing: a risk assessment during the review. Reason: no reason "
        "recorded yet" in text
    )
    appeal_evidence_note(
        appeal=appeal, by=officer, item="risk", reason="The officer was on long-term leave."
    )
    risk = {i.key: i for i in bundle_items(appeal)}["risk"]
    assert risk.status == "partly" and risk.reason == "The officer was on long-term leave."


def _stage_rows(appeal):
    timeline = {i.key: i for i in bundle_items(appeal)}["timeline"]
    return {row["rule"]: row["status_words"] for row in timeline.rows}, timeline.rows


@needs_poppler
def test_the_timeline_shows_every_deadline_including_stages_not_started(reference):
    from letters.services import letter_send

    case = threshold_not_met_case(reference, "devon-and-cornwall")
    # The decision's deadline is met by the CR3 letter that tells the applicant.
    letter_send(case=case, kind="CR3", by=reference["users"]["devon.officer"])
    appeal = _appeal(reference, case)
    statuses, rows = _stage_rows(appeal)
    assert statuses["Reviewing officer's report"] == "Not yet started"
    assert statuses["PCC decision"] == "Not yet started"
    assert statuses["Appoint an officer and request documents"] == "Open"
    assert statuses["Update to the PCC 3 months after the escalation is completed"] == (
        "Not yet started"
    )
    assert statuses["Threshold decision within 10 working days (local choice)"] in ("Met", "Late")
    assert {r["status"] for r in rows} <= {"met", "late", "breached", "open", "not_started"}
    rules = [r["rule"] for r in rows]
    assert len(rules) == len(set(rules))  # each deadline once

    hertsmere = threshold_not_met_case(reference, "hertsmere")
    appeal = appeal_lodge(
        case=hertsmere,
        by=reference["users"]["hertsmere.officer"],
        grounds=["insufficient_reasons"],
        applicant_words="Not enough reasons.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )
    statuses, _rows = _stage_rows(appeal)
    assert statuses["Appeal outcome within 10 working days of the hearing"] == "Not yet started"
    text = " ".join(pdf_pages(render_bundle_pdf(bundle_context(appeal))))
    assert "Appeal outcome within 10 working days of the hearing" in text
    assert "Not yet started" in text


def test_support_offered_means_the_same_in_the_bundle_and_the_audit(reference):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _appeal(reference, case)  # sends the CR3a, which lists the support services
    support = {i.key: i for i in bundle_items(appeal)}["support"]
    audit = {i.key: i for i in compliance_checklist(appeal)}["support"]
    assert support.available
    assert audit.suggested == AuditAnswer.YES
    assert support.entries[0].label in audit.basis

    from appeals.audit import QUESTIONS
    from appeals.bundle import support_offered

    bare = receive_case(area=case.area, by=reference["users"]["devon.officer"])
    rule = next(q[3] for q in QUESTIONS if q[0] == "support")
    assert support_offered(bare) == [] and rule(bare)[0] == AuditAnswer.NO


@needs_poppler
def test_footers_count_every_page_including_the_attached_letters(reference):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _appeal(reference, case)
    context = bundle_context(appeal)
    assert context["attachments"]
    pages = pdf_pages(render_bundle_pdf(context))
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page, (number, page[-200:])
    assert context["brand"]["organisation"] in pages[0]  # the letterhead, as on letters


def test_correspondence_names_the_letter_and_its_date(reference):
    from public import services as public_services

    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _appeal(reference, case)
    letter = case.letters.order_by("sent_at").first()
    token = public_services.tracking_link_issue(case=case, by=reference["users"]["devon.officer"])
    from django.test import Client

    Client().get(f"/track/{token}/letters/{letter.pk}/")
    correspondence = {i.key: i for i in bundle_items(appeal)}["correspondence"]
    labels = [e.label for e in correspondence.entries]
    assert not any(f"letter {letter.pk}" in label for label in labels)
    sent = timezone.localdate(letter.sent_at)
    assert any(
        label.startswith(f"{letter.get_kind_display()} letter of {sent:%-d %B %Y}")
        for label in labels
    )


@needs_poppler
def test_actions_appear_once_per_row_and_each_why_stays_with_its_action(reference):
    from panels.models import Action
    from tests.appeals.factories import outcome_sent_case

    officer = reference["users"]["devon.officer"]
    case = outcome_sent_case(reference, "devon-and-cornwall")
    today = timezone.localdate()
    for n in range(24):
        Action.objects.create(
            case=case,
            what=f"Action number {n:02d} for the plan",
            why=f"Because reason {n:02d} matters to the victim",
            agency=officer.agency,
            owner=officer,
            due_on=today + dt.timedelta(days=n + 1),
            created_by=officer,
        )
    appeal = appeal_lodge(
        case=case,
        by=officer,
        grounds=["B"],
        applicant_words="The plan was not kept.",
        lodged_on=today,
        channel=Channel.EMAIL,
    )
    items = {i.key: i for i in bundle_items(appeal)}
    plan = [e.label for e in items["action_plan"].entries]
    update = [e.label for e in items["action_plan_update"].entries]
    assert len(plan) == len(set(plan)) == 24
    assert not set(plan) & set(update)
    pages = pdf_pages(render_bundle_pdf(bundle_context(appeal)))
    plan_pages = [p for p in pages if "Action number" in p]
    for n in range(24):
        what, why = f"Action number {n:02d} for the plan (", f"Because reason {n:02d} matters"
        assert any(what in p and why in p for p in plan_pages), n
