"""The lost-race messages, made deterministic: someone else acts between the loser's GET
and POST. Any database (these run on SQLite too)."""

import datetime as dt
import html

import pytest
import time_machine
from django import forms
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition

from appeals import services as appeal_services
from appeals.constants import AppealOutcome
from asbcr.concurrency import ConflictError, ConflictMiddleware, VersionFormMixin, conflict_message
from asbcr.forms import attach_errors
from cases import services as case_services
from cases.models import TimelineEvent
from deadlines import services as deadline_services
from letters.constants import LetterKind
from letters.models import Letter
from panels import services as panel_services
from tests.appeals.factories import threshold_not_met_case
from tests.appeals.test_services import lodge
from tests.concurrency.builders import opened, received

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 10, 10, 42, tzinfo=dt.UTC)  # 10:42 in London (GMT)


def text_of(response):
    return response.content.decode()


# -- the message itself ---------------------------------------------------------------


def test_the_message_names_who_what_and_when(users):
    officer, manager = users["hertsmere.officer"], users["hertsmere.manager"]
    with time_machine.travel(AT, tick=False):
        other = conflict_message(
            what="recorded the decision", at=AT, actor=manager, by=officer, outcome="Threshold met"
        )
        mine = conflict_message(what="recorded the decision", at=AT, actor=officer, by=officer)
    assert other.startswith(
        "Another officer (Ravi Shah) recorded the decision at 10:42: Threshold met."
    )
    assert "what you typed is still in the form" in other
    assert mine.startswith("You already recorded the decision at 10:42.")


def test_an_earlier_day_is_said_as_a_date(users):
    with time_machine.travel(AT + dt.timedelta(days=2), tick=False):
        text = conflict_message(what="sent this letter", at=AT, actor=users["hertsmere.manager"])
    assert "at 10:42 on 10 March 2026" in text


# -- the shared path from service to page ---------------------------------------------


class NoteForm(VersionFormMixin, forms.Form):
    note = forms.CharField()


def test_attach_errors_puts_a_conflict_at_the_top_and_moves_the_version_on():
    form = NoteForm({"note": "My words", "version": "3"})
    assert form.is_valid()
    error = ConflictError("Another officer changed it.", version=4)
    attach_errors(form, error)
    assert form.non_field_errors() == ["Another officer changed it."]
    assert form["note"].value() == "My words"
    assert form["version"].value() == 4  # saving again, knowingly, is not refused again


def test_attach_errors_on_a_button_shows_a_message(rf_request):
    attach_errors(None, ConflictError("Someone else accepted it."), rf_request)
    assert [str(m) for m in get_messages(rf_request)] == ["Someone else accepted it."]


@pytest.fixture
def rf_request():
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/staff/somewhere/", HTTP_REFERER="http://testserver/page/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "exception", [ConflictError("Another officer did it at 10:42."), ConcurrentTransition("x")]
)
def test_an_uncaught_conflict_is_a_message_on_the_page_not_a_500(rf_request, exception):
    response = ConflictMiddleware(lambda r: None).process_exception(rf_request, exception)
    assert response.status_code == 302 and response["Location"] == "http://testserver/page/"
    [message] = [str(m) for m in get_messages(rf_request)]
    assert "Another officer did it" in message or "Someone else changed this record" in message


def test_a_plain_validation_error_is_left_to_the_view(rf_request):
    assert (
        ConflictMiddleware(lambda r: None).process_exception(rf_request, ValidationError("x"))
        is None
    )


# -- each service, between GET and POST -----------------------------------------------


def test_case_step_taken_by_someone_else_meanwhile(client, area, users):
    case = received(area, users)
    client.force_login(users["hertsmere.officer"])
    url = reverse("cases:transition", args=[case.reference, "withdraw"])
    assert client.get(url).status_code == 200
    case_services.case_transition(case=case, name="acknowledge", by=users["hertsmere.manager"])
    response = client.post(url, {"expected_state": "received", "reason": "Moved away"})
    assert response.status_code == 200
    assert "Another officer (Ravi Shah) changed the case at" in text_of(response)
    assert "Moved away" in text_of(response)


def test_minutes_saved_by_someone_else_meanwhile(client, area, users):
    listing = opened(area, users)
    version = listing.minutes_version
    panel_services.minutes_record(
        listing=listing, by=users["hertsmere.chair"], summary="First", decisions="Plan"
    )
    client.force_login(users["hertsmere.officer"])
    response = client.post(
        reverse("panels:listing", args=[listing.pk]),
        {
            "op": "minutes",
            "minutes-summary": "My own summary",
            "minutes-decisions": "Plan B",
            "minutes-version": version,
        },
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "Another officer (Martin Cole) updated this panel at" in text
    assert "My own summary" in text
    listing.refresh_from_db()
    assert listing.summary == "First"


def test_deadline_waived_by_someone_else_meanwhile(client, area, users):
    case = received(area, users)
    deadline = case.deadlines.get(step="acknowledge")
    deadline_services.deadline_waive(
        deadline=deadline, reason="Done in person", by=users["hertsmere.manager"]
    )
    client.force_login(users["hertsmere.officer"])
    response = client.post(reverse("deadlines:waive", args=[deadline.pk]), {"reason": "My reason"})
    assert response.status_code == 200
    assert "Another officer (Ravi Shah) closed this deadline at" in text_of(response)
    assert "My reason" in text_of(response)
    assert (
        TimelineEvent.objects.filter(case=case, summary__startswith="Deadline waived").count() == 1
    )


def test_letter_sent_by_someone_else_meanwhile(client, area, users):
    case = received(area, users)
    client.force_login(users["hertsmere.officer"])
    url = reverse("letters:send", args=[case.reference, LetterKind.CR1])
    page = client.get(url)
    assert 'name="version" value="0"' in text_of(page)
    client_b = type(client)()
    client_b.force_login(users["hertsmere.manager"])
    assert client_b.post(url, {"channel": "post", "version": 0}).status_code == 302
    response = client.post(url, {"channel": "post", "version": 0})
    assert response.status_code == 200
    assert "Another officer (Ravi Shah) sent this letter to" in text_of(response)
    assert Letter.objects.filter(case=case, kind=LetterKind.CR1).count() == 1
    # Having read that, the officer can still send it again on purpose.
    assert client.post(url, {"channel": "post", "version": 1}).status_code == 302
    assert Letter.objects.filter(case=case, kind=LetterKind.CR1).count() == 2


def test_appeal_outcome_recorded_by_someone_else_meanwhile(client, reference, users):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge(case, users["devon.officer"])
    appeal_services.appeal_decide(
        appeal=appeal,
        by=users["devon.reviewer"],
        outcome=AppealOutcome.UPHOLD_DECISION,
        summary="Rightly decided",
    )
    client.force_login(users["devon.officer"])
    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]),
        {"outcome": AppealOutcome.UPHOLD_DECISION, "summary": "My findings"},
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "recorded the outcome at" in text and "Appeal outcome: Uphold" in text
    assert "My findings" in text


def test_a_stage_already_done_says_who_did_it(client, reference, users):
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge(case, users["devon.officer"])
    stage = appeal.stages.order_by("order").first()
    appeal_services.appeal_stage_complete(stage=stage, by=users["devon.reviewer"])
    client.force_login(users["devon.officer"])
    response = client.post(
        reverse("appeals:stage_complete", args=[appeal.pk, stage.pk]), follow=True
    )
    assert "marked this stage done at" in text_of(response)
    assert (
        TimelineEvent.objects.filter(case=case, summary__startswith="Appeal stage done").count()
        == 1
    )


def test_times_are_local(users):
    summer = dt.datetime(2026, 7, 1, 9, 42, tzinfo=dt.UTC)
    with time_machine.travel(summer, tick=False):
        assert "at 10:42" in conflict_message(what="did it", at=timezone.now())


def test_an_incident_submitted_twice_is_recorded_once(area, users):
    from cases.services import IncidentInput

    case = received(area, users)
    officer = users["hertsmere.officer"]
    data = IncidentInput(incident_date=timezone.localdate(), description="Shouting at 2am")
    case_services.incident_add(case=case, by=officer, data=data)
    with pytest.raises(ConflictError, match="You already recorded this incident at"):
        case_services.incident_add(case=case, by=officer, data=data)
    assert case.incidents.filter(description="Shouting at 2am").count() == 1


def test_a_body_view_submitted_twice_is_recorded_once(area, users):
    from partnerships.models import Agency
    from thresholds import services as threshold_services
    from thresholds.models import BodyView

    case = received(area, users)
    case = case_services.case_transition(
        case=case, name="acknowledge", by=users["hertsmere.officer"]
    )
    council = Agency.objects.get(slug="hertsmere-borough-council")
    record = {"case": case, "agency": council, "by": users["hertsmere.officer"], "view": "met"}
    threshold_services.body_view_record(**record, reasons="Three reports.")
    with pytest.raises(ConflictError, match="recorded Hertsmere Borough Council's view"):
        threshold_services.body_view_record(**record, reasons="Three reports.")
    assert BodyView.objects.filter(case=case).count() == 1


# -- allocation, agency responses, appeal evidence and audit, double clicks ------------


def test_officer_allocated_by_someone_else_meanwhile(client, area, users):
    officer, manager = users["hertsmere.officer"], users["hertsmere.manager"]
    case = received(area, users)
    url = reverse("cases:assign_officer", args=[case.reference])
    client.force_login(officer)
    version = case_services.officer_allocations_version(case)
    assert f'name="version" value="{version}"' in text_of(client.get(url))
    case_services.case_assign_officer(case=case, by=manager, officer=manager, version=version)
    response = client.post(url, {"officer": officer.pk, "version": version})
    assert response.status_code == 200
    assert "Another officer (Ravi Shah) allocated Ravi Shah as case officer at" in text_of(response)
    assert response.context["form"]["officer"].value() == str(officer.pk)  # their choice kept
    case.refresh_from_db()
    assert case.case_officer == manager
    # Having read that, the officer can still allocate themselves on purpose.
    assert f'name="version" value="{version + 1}"' in text_of(response)
    assert client.post(url, {"officer": officer.pk, "version": version + 1}).status_code == 302
    case.refresh_from_db()
    assert case.case_officer == officer


def test_an_allocation_double_click_is_recorded_once(area, users):
    officer = users["hertsmere.officer"]
    case = received(area, users)
    version = case_services.officer_allocations_version(case)
    case_services.case_assign_officer(case=case, by=officer, officer=officer, version=version)
    with pytest.raises(ConflictError, match="You already allocated Helen Marsh as case officer"):
        case_services.case_assign_officer(case=case, by=officer, officer=officer, version=version)
    assert case_services.officer_allocations_version(case) == version + 1


def test_agency_response_saved_by_another_spoc_meanwhile(client, area, users):
    from cases.models import CaseAgency
    from tests.concurrency.builders import second_spoc

    spoc, other = users["hertsmere.spoc"], second_spoc(users)
    police = spoc.agency
    case = received(area, users)
    case_services.case_involve_agency(case=case, agency=police, by=users["hertsmere.officer"])
    url = reverse("cases:agency_response", args=[case.reference])
    client.force_login(spoc)
    version = case_services.agency_responses_version(case)
    assert f'name="version" value="{version}"' in text_of(client.get(url))
    case_services.agency_response_record(
        case=case,
        agency=police,
        by=other,
        reports_held="Two calls logged",
        actions_taken="Visited the flat",
        version=version,
    )
    form = {
        "agency": police.pk,
        "reports_held": "My own reports",
        "actions_taken": "My own actions",
        "version": version,
    }
    response = client.post(url, form)
    assert response.status_code == 200
    text = html.unescape(text_of(response))
    assert "Another officer (Nia Hughes) recorded Hertfordshire Constabulary's response at" in text
    assert "My own reports" in text and "My own actions" in text
    assert CaseAgency.objects.get(case=case, agency=police).reports_held == "Two calls logged"
    # Saving again, knowingly, replaces it.
    assert client.post(url, {**form, "version": version + 1}).status_code == 302
    assert CaseAgency.objects.get(case=case, agency=police).reports_held == "My own reports"


def test_another_agencys_response_meanwhile_does_not_refuse_this_one(area, users):
    from partnerships.models import Agency

    officer, spoc = users["hertsmere.officer"], users["hertsmere.spoc"]
    case = received(area, users)
    version = case_services.agency_responses_version(case)
    council = Agency.objects.get(slug="hertsmere-borough-council")
    record = {"case": case, "reports_held": "Reports", "actions_taken": "Actions"}
    case_services.agency_response_record(**record, agency=council, by=officer, version=version)
    case_services.agency_response_record(**record, agency=spoc.agency, by=spoc, version=version)
    assert case_services.agency_responses_version(case) == version + 2


def test_evidence_note_written_by_someone_else_meanwhile(client, reference, users):
    from appeals.models import EvidenceNote

    officer = users["devon.officer"]
    appeal = lodge(threshold_not_met_case(reference, "devon-and-cornwall"), officer)
    url = reverse("appeals:evidence_note", args=[appeal.pk])
    client.force_login(officer)
    version = appeal_services.evidence_notes_version(appeal)
    assert f'name="version" value="{version}"' in text_of(client.get(url + "?item=minutes"))
    appeal_services.appeal_evidence_note(
        appeal=appeal, by=officer, item="minutes", reason="No panel met.", version=version
    )
    form = {"item": "minutes", "reason": "My longer reason", "version": version}
    response = client.post(url, form)
    assert response.status_code == 200
    text = text_of(response)
    assert "You already recorded why this item is not available at" in text
    assert "My longer reason" in text
    assert EvidenceNote.objects.get(appeal=appeal, item="minutes").missing_reason == (
        "No panel met."
    )
    # A note on another item meanwhile does not refuse it; a knowing save replaces it.
    assert client.post(url, {**form, "item": "risk"}).status_code == 302
    assert client.post(url, {**form, "version": version + 2}).status_code == 302
    assert EvidenceNote.objects.get(appeal=appeal, item="minutes").missing_reason == (
        "My longer reason"
    )


def test_compliance_audit_saved_in_another_tab_meanwhile(client, reference, users):
    from appeals.audit import QUESTIONS

    reviewer = users["devon.reviewer"]
    appeal = lodge(threshold_not_met_case(reference, "devon-and-cornwall"), users["devon.officer"])
    url = reverse("appeals:compliance", args=[appeal.pk])
    client.force_login(reviewer)
    assert 'name="version" value="0"' in text_of(client.get(url))
    answers = {key: ("yes", "") for key, *_ in QUESTIONS}
    appeal_services.appeal_compliance_record(appeal=appeal, by=reviewer, answers=answers, version=0)
    data = {f"{key}_answer": "no" for key, *_ in QUESTIONS}
    data["risk_before_note"] = "My careful note"
    response = client.post(url, {**data, "version": 0})
    assert response.status_code == 200
    text = text_of(response)
    assert "You already saved the compliance audit at" in text
    assert "My careful note" in text
    assert appeal.compliance.get(item="risk_before").answer == "yes"
    assert client.post(url, {**data, "version": 1}).status_code == 302
    assert appeal.compliance.get(item="risk_before").answer == "no"


def test_a_threshold_evaluation_clicked_twice_is_recorded_once(client, area, users):
    from tests.concurrency.test_thresholds import decidable_case
    from thresholds.models import ThresholdEvaluation

    case = decidable_case(area, users["hertsmere.officer"])
    client.force_login(users["hertsmere.officer"])
    url = reverse("thresholds:case", args=[case.reference])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert "You already evaluated the threshold at" in text_of(response)
    assert ThresholdEvaluation.objects.filter(case=case).count() == 1
    events = TimelineEvent.objects.filter(case=case, summary__startswith="Threshold evaluated")
    assert events.count() == 1


def test_a_risk_assessment_submitted_twice_is_recorded_once(area, users):
    officer = users["hertsmere.officer"]
    case = received(area, users)
    record = {
        "case": case,
        "by": officer,
        "subject": "victim",
        "matrix_key": "hertsmere-victim",
        "answers": {"repeat": "Often", "vulnerable": "Yes", "fear": "Yes", "impact": "Low"},
        "assessed_on": timezone.localdate(),
    }
    case_services.risk_assess(**record)
    with pytest.raises(ConflictError, match="You already recorded this risk assessment at"):
        case_services.risk_assess(**record)
    assert case.risk_assessments.count() == 1
    # A different answer is a new assessment, not a double click.
    case_services.risk_assess(**record | {"answers": {**record["answers"], "fear": "No"}})
    assert case.risk_assessments.count() == 2
