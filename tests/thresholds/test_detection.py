"""Automatic detection from the incident log: suggestions and second-report notices."""

import datetime as dt
import io

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Incident
from tests.factories import receive_case
from thresholds import demo, services, tasks
from thresholds.models import ReviewSuggestion, SecondReportNotice

TODAY = dt.date(2026, 9, 1)


def log(area, key, *days_ago, kind="report", lag=1, **kw):
    out = []
    for n in days_ago:
        day = TODAY - dt.timedelta(days=n)
        out.append(
            Incident.objects.create(
                area=area,
                source="import",
                kind=kind,
                incident_date=day,
                reported_date=day + dt.timedelta(days=lag),
                description="ASB",
                issue="noise",
                complainant_key=key,
                **kw,
            )
        )
    return out


def test_a_victim_meeting_the_threshold_is_suggested_once(area):
    log(area, "v-meets", 100, 60, 20)
    log(area, "v-two", 100, 60)
    log(area, "v-late", 100, 60, 20, lag=40)
    created = services.review_suggestions_detect(area=area, today=TODAY)
    assert [s.complainant_key for s in created] == ["v-meets"]
    assert created[0].explanation["met"] is True and len(created[0].incident_ids) == 3
    assert services.review_suggestions_detect(area=area, today=TODAY) == []
    assert ReviewSuggestion.objects.count() == 1


def test_the_queue_shows_a_suggestion_in_words_it_keeps_the_verdict_not_the_working(
    client, area, officer
):
    """A suggestion keeps what the queue shows (the engine's verdict and its paragraph of
    reasons) and which reports it counted; the reports themselves stay in the log."""
    counted = log(area, "v-meets", 100, 60, 20)
    with time_machine.travel(dt.datetime(2026, 9, 1, 9), tick=False):
        services.review_suggestions_detect(area=area, today=TODAY)
        client.force_login(officer)
        page = client.get("/staff/thresholds/queue/").content.decode()
    [s] = ReviewSuggestion.objects.all()
    assert sorted(s.explanation) == [
        "application_date",
        "count",
        "met",
        "met_by",
        "reasons_text",
        "routes",
    ]
    assert s.incident_ids == sorted(i.pk for i in counted)
    assert s.explanation["reasons_text"].startswith("The threshold for a case review is met.")
    for incident in counted:
        day = incident.incident_date
        assert f"{day.day} {day:%B %Y}" in s.explanation["reasons_text"]
    assert s.explanation["reasons_text"] in page


def test_a_victim_with_an_open_case_is_not_suggested(area, officer):
    case = receive_case(area=area, by=officer)
    key = case.incidents.first().complainant_key
    log(area, key, 100, 60, 20)
    assert services.review_suggestions_detect(area=area, today=TODAY) == []


def test_a_dismissed_suggestion_comes_back_only_with_a_new_incident(area, users):
    log(area, "v1", 100, 60, 20)
    [s] = services.review_suggestions_detect(area=area, today=TODAY)
    services.suggestion_dismiss(suggestion=s, by=users["hertsmere.officer"], reason="Resolved.")
    assert services.review_suggestions_detect(area=area, today=TODAY) == []
    log(area, "v1", 5)
    assert len(services.review_suggestions_detect(area=area, today=TODAY)) == 1


def test_narrowing_is_set_based(area):
    """Victims below the minimum count cost no queries of their own."""
    log(area, "v-meets", 100, 60, 20)
    with CaptureQueriesContext(connection) as few:
        services.review_suggestions_detect(area=area, today=TODAY)
    ReviewSuggestion.objects.all().delete()
    for i in range(40):
        log(area, f"single-{i}", 30)
    # The next day: a full pass again (the windows move with the day), not an
    # incremental one that would look only at the victims just logged.
    with CaptureQueriesContext(connection) as many:
        services.review_suggestions_detect(area=area, today=TODAY + dt.timedelta(days=1))
    assert len(many) == len(few)


def test_second_report_within_six_months_raises_one_notice(area):
    first = log(area, "v2", 120)[0]
    second = log(area, "v2", 10)[0]
    [notice] = services.second_report_notices_detect(area=area, today=TODAY)
    assert (notice.first_incident, notice.second_incident) == (first, second)
    assert services.second_report_notices_detect(area=area, today=TODAY) == []
    log(area, "v2", 5)  # a third report is not a second one
    assert services.second_report_notices_detect(area=area, today=TODAY) == []
    assert SecondReportNotice.objects.count() == 1


def test_no_notice_when_the_first_report_is_older_than_six_months(area):
    log(area, "v3", 200, lag=0)
    log(area, "v3", 10, lag=0)
    assert services.second_report_notices_detect(area=area, today=TODAY) == []


def test_the_same_incident_reported_twice_is_not_a_second_report(area):
    [first] = log(area, "v4", 10)
    log(area, "v4", 10, lag=2, same_incident_as=first)
    assert services.second_report_notices_detect(area=area, today=TODAY) == []


def test_the_task_runs_every_area_and_is_safe_twice(reference):
    area = reference["areas"]["bedford"]
    log(area, "b1", 300, 200, 100)  # Bedfordshire: 12 months, latest within 6 months
    log(area, "b2", 60, 20)
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, 0), tick=False):
        first = tasks.detect.run()
        again = tasks.detect.run()
    assert first == {"review_suggestions": 1, "second_report_notices": 1}
    assert again == {"review_suggestions": 0, "second_report_notices": 0}


def test_demo_is_idempotent(reference):
    demo.load_demo(io.StringIO())
    counts = (Incident.objects.count(), ReviewSuggestion.objects.count())
    assert counts[1] >= 5  # one per area at least
    assert SecondReportNotice.objects.count() >= 5
    demo.load_demo(io.StringIO())
    assert (Incident.objects.count(), ReviewSuggestion.objects.count()) == counts
