"""Action plan: accept, return and report completion at the same moment as someone else."""
# ruff: noqa: B023  (each race runs and finishes inside its own loop iteration)

import pytest
from django.urls import reverse

from cases.models import TimelineEvent
from panels import services
from panels.constants import ActionStatus
from panels.models import Action
from tests.concurrency.builders import new_action
from tests.concurrency.race import TRIALS, client_for, page_text, race


def reported_action(area, users):
    action = new_action(area, users)
    return services.action_update(
        action=action,
        by=users["hertsmere.spoc"],
        status=ActionStatus.REPORTED,
        completion_report="Visited on Monday",
    )


def events(action, summary):
    return TimelineEvent.objects.filter(
        case=action.case, detail__action_id=action.pk, summary__startswith=summary
    )


def post(client, action, data):
    return client.post(reverse("panels:action", args=[action.pk]), data)


def loser_of(outcomes):
    assert all(exc is None for _, exc in outcomes), [exc for _, exc in outcomes]
    winners = [r for r, _ in outcomes if r.status_code == 302]
    losers = [r for r, _ in outcomes if r.status_code == 200]
    assert len(winners) == 1 and len(losers) == 1, [r.status_code for r, _ in outcomes]
    return page_text(losers[0])


@pytest.mark.services
def test_two_concurrent_accepts_are_one_acceptance(transactional_db, reference, area, users):
    for _ in range(TRIALS):
        action = reported_action(area, users)
        clients = [client_for(users["hertsmere.officer"]), client_for(users["hertsmere.manager"])]
        seen = {"op": "accept", "version": action.version}  # as the page shows it
        outcomes = race(*(lambda c=c: post(c, action, seen) for c in clients))
        loser = loser_of(outcomes)
        assert "Another officer" in loser and "updated this action at" in loser
        assert "Action done (report accepted)" in loser
        assert events(action, "Action done (report accepted)").count() == 1
        action.refresh_from_db()
        assert action.status == ActionStatus.DONE


@pytest.mark.services
def test_accept_and_return_at_once_apply_only_one(transactional_db, reference, area, users):
    for trial in range(TRIALS):
        action = reported_action(area, users)
        accepter = client_for(users["hertsmere.officer"])
        returner = client_for(users["hertsmere.manager"])
        reason = f"Photos of the visit are missing (trial {trial})"
        version = action.version
        outcomes = race(
            lambda: post(accepter, action, {"op": "accept", "version": version}),
            lambda: post(
                returner,
                action,
                {"op": "return", "reason-reason": reason, "reason-version": version},
            ),
        )
        loser = loser_of(outcomes)
        assert "Another officer" in loser
        action.refresh_from_db()
        accepted = events(action, "Action done").count()
        returned = events(action, "Completion report returned").count()
        assert accepted + returned == 1
        if accepted:
            assert action.status == ActionStatus.DONE and action.status_reason == ""
            assert reason in loser  # the returner's reason is still in the form
        else:
            assert action.status == ActionStatus.IN_PROGRESS and action.accepted_at is None


@pytest.mark.services
def test_an_owners_double_submit_keeps_the_first_report(transactional_db, reference, area, users):
    owner = users["hertsmere.spoc"]
    for trial in range(TRIALS):
        action = new_action(area, users)
        clients = [client_for(owner), client_for(owner)]
        reports = [f"Visited Monday (trial {trial})", f"Visited Monday, edited (trial {trial})"]
        version = action.version
        outcomes = race(
            *(
                lambda c=c, r=r: post(
                    c,
                    action,
                    {
                        "op": "update",
                        "update-status": ActionStatus.REPORTED,
                        "update-completion_report": r,
                        "update-version": version,
                    },
                )
                for c, r in zip(clients, reports, strict=True)
            )
        )
        loser = loser_of(outcomes)
        assert "You already" in loser
        assert events(action, "Action completion reported").count() == 1
        action.refresh_from_db()
        stored = action.completion_report
        assert stored in reports
        assert reports[1 - reports.index(stored)] in loser  # the other text is kept


# -- the same messages, deterministically (no threads, any database) -------------------


def test_accepting_a_report_someone_else_just_returned_says_so(client, db, reference, area, users):
    action = reported_action(area, users)
    client.force_login(users["hertsmere.officer"])
    page = client.get(reverse("panels:action", args=[action.pk]))
    assert page.status_code == 200
    version = Action.objects.get(pk=action.pk).version
    services.action_return_report(action=action, by=users["hertsmere.manager"], reason="Photos")
    response = post(client, action, {"op": "accept", "version": version})
    assert response.status_code == 200
    text = page_text(response)
    assert "Another officer (Ravi Shah) updated this action at" in text
    assert "Completion report returned" in text
    assert events(action, "Action done").count() == 0


def test_a_stale_completion_report_does_not_replace_the_first(client, db, reference, area, users):
    owner = users["hertsmere.spoc"]
    action = new_action(area, users)
    client.force_login(owner)
    version = Action.objects.get(pk=action.pk).version
    data = {
        "op": "update",
        "update-status": ActionStatus.REPORTED,
        "update-version": version,
    }
    first = post(client, action, {**data, "update-completion_report": "First report"})
    assert first.status_code == 302
    again = post(client, action, {**data, "update-completion_report": "Second report"})
    assert again.status_code == 200
    text = page_text(again)
    assert "You already updated this action at" in text and "Second report" in text
    action.refresh_from_db()
    assert action.completion_report == "First report"
    assert events(action, "Action completion reported").count() == 1
