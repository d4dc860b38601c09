"""The detection queue: two officers handling one suggestion or notice at the same moment.

Dismissing a suggestion, and recording that a victim was told about the case review,
lock the row and re-check it: the second of two is told who did what and when, with the
reason they typed kept, and nothing the first recorded is overwritten. A suggestion the
detection run has meanwhile closed (a case was opened) is not dismissed either.
"""

import datetime as dt

import pytest
from django.urls import reverse

from asbcr.concurrency import ConflictError
from cases.models import Incident
from tests.concurrency.race import TRIALS, client_for, page_text, race
from thresholds import detection
from thresholds.constants import SuggestionStatus
from thresholds.models import ReviewSuggestion, SecondReportNotice


def _reports(area, key: str, *days_ago: int, **fields) -> None:
    """The victim's reports to the area, each made the day after it happened."""
    today = dt.date.today()
    for days in days_ago:
        day = today - dt.timedelta(days=days)
        Incident.objects.create(
            area=area,
            source="import",
            kind="report",
            incident_date=day,
            reported_date=day + dt.timedelta(days=1),
            description="ASB",
            complainant_key=key,
            **fields,
        )


def _suggestion(area, key: str = "v-queue") -> ReviewSuggestion:
    _reports(area, key, 100, 60, 20, issue="noise")
    [suggestion] = detection.review_suggestions_detect(area=area, today=dt.date.today())
    return suggestion


def _notice(area, key: str = "v-second") -> SecondReportNotice:
    _reports(area, key, 40, 3)
    [notice] = detection.second_report_notices_detect(area=area, today=dt.date.today())
    return notice


def test_a_second_dismissal_is_refused_and_the_first_reason_kept(area, users):
    first, second = users["hertsmere.officer"], users["hertsmere.manager"]
    suggestion = _suggestion(area)
    stale = ReviewSuggestion.objects.get(pk=suggestion.pk)  # the other officer's page
    detection.suggestion_dismiss(suggestion=suggestion, by=first, reason="Mediation worked.")
    with pytest.raises(ConflictError) as refused:
        detection.suggestion_dismiss(suggestion=stale, by=second, reason="Not needed.")
    message = str(refused.value)
    assert message.startswith(f"Another officer ({first.get_full_name()}) dismissed")
    assert "Mediation worked" in message
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DISMISSED
    assert (suggestion.status_reason, suggestion.handled_by) == ("Mediation worked.", first)


def test_a_suggestion_closed_by_a_case_is_not_dismissed(area, users):
    suggestion = _suggestion(area)
    # Meanwhile the detection run found the victim's case opened.
    ReviewSuggestion.objects.filter(pk=suggestion.pk).update(status=SuggestionStatus.CASE_OPENED)
    with pytest.raises(ConflictError) as refused:
        detection.suggestion_dismiss(
            suggestion=suggestion, by=users["hertsmere.officer"], reason="Not needed."
        )
    assert "a case has been opened for this victim" in str(refused.value)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.CASE_OPENED
    assert suggestion.status_reason == "" and suggestion.handled_by is None


def test_telling_the_victim_twice_is_recorded_once(area, users):
    first, second = users["hertsmere.officer"], users["hertsmere.manager"]
    notice = _notice(area)
    stale = SecondReportNotice.objects.get(pk=notice.pk)
    detection.second_report_notice_mark_told(notice=notice, by=first)
    with pytest.raises(ConflictError) as refused:
        detection.second_report_notice_mark_told(notice=stale, by=second)
    assert str(refused.value).startswith(
        f"Another officer ({first.get_full_name()}) recorded that the victim was told"
    )
    notice.refresh_from_db()
    assert notice.told_by == first


def test_the_dismiss_page_shows_the_loser_what_happened_with_their_reason_kept(client, area, users):
    first, second = users["hertsmere.officer"], users["hertsmere.manager"]
    suggestion = _suggestion(area)
    url = reverse("thresholds:dismiss", args=[suggestion.pk])
    client.force_login(second)
    assert client.get(url).status_code == 200
    detection.suggestion_dismiss(suggestion=suggestion, by=first, reason="Mediation worked.")
    response = client.post(url, {"reason": "My own careful reason"})
    assert response.status_code == 200
    text = page_text(response)
    assert f"Another officer ({first.get_full_name()}) dismissed this suggestion" in text
    assert "My own careful reason" in text  # what they typed is still in the form
    # Opening the page again afterwards says the same, rather than "page not found".
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert "dismissed this suggestion" in page_text(response)


def test_the_second_told_click_is_a_message_on_the_queue_not_page_not_found(client, area, users):
    notice = _notice(area)
    url = reverse("thresholds:notice_told", args=[notice.pk])
    client.force_login(users["hertsmere.officer"])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "You already recorded that the victim was told" in page_text(response)
    assert SecondReportNotice.objects.get(pk=notice.pk).told_by == users["hertsmere.officer"]


@pytest.mark.services
@pytest.mark.parametrize("same_officer", [False, True], ids=["two officers", "double click"])
def test_concurrent_dismissals_store_one_and_tell_the_other(
    transactional_db, reference, area, users, same_officer
):
    first = users["hertsmere.officer"]
    second = first if same_officer else users["hertsmere.manager"]
    for trial in range(TRIALS):
        suggestion = _suggestion(area, key=f"v-race-{trial}")
        url = reverse("thresholds:dismiss", args=[suggestion.pk])
        reasons = [f"Resolved (trial {trial}, A)", f"Moved away (trial {trial}, B)"]
        clients = [client_for(first), client_for(second)]
        outcomes = race(
            *(
                lambda c=c, r=r, u=url: c.post(u, {"reason": r})
                for c, r in zip(clients, reasons, strict=True)
            )
        )
        assert all(exc is None for _, exc in outcomes), [exc for _, exc in outcomes]
        codes = sorted(response.status_code for response, _ in outcomes)
        assert codes == [200, 302], codes
        loser = next(i for i, (r, _) in enumerate(outcomes) if r.status_code == 200)
        text = page_text(outcomes[loser][0])
        who = "You already" if same_officer else f"Another officer ({first.get_full_name()})"
        winner = 1 - loser
        if not same_officer and winner == 1:
            who = f"Another officer ({second.get_full_name()})"
        assert f"{who} dismissed this suggestion at" in text
        assert reasons[loser] in text
        suggestion.refresh_from_db()
        assert suggestion.status_reason == reasons[winner]


def test_a_reason_too_long_is_refused_at_the_field_and_kept(client, area, users):
    suggestion = _suggestion(area)
    client.force_login(users["hertsmere.officer"])
    url = reverse("thresholds:dismiss", args=[suggestion.pk])
    response = client.post(url, {"reason": "Resolved. " * 600})
    assert response.status_code == 200
    text = page_text(response)
    assert "Your answer to ‘Why no case review is needed’ must be 5,000 characters or fewer" in text
    assert "Resolved. Resolved." in text
    assert ReviewSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.OPEN
    response = client.post(url, {"reason": "  "})
    assert "Say why no case review is needed." in page_text(response)
