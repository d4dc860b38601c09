"""The lost-race messages, made deterministic: someone else acts between the loser's GET
and POST. Any database (these run on SQLite too)."""

import datetime as dt

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
