"""Every other write that two people can make at once: one wins, the other is told who
and when, keeps what they typed, and nothing is duplicated on the timeline or in the data.
Real threads on PostgreSQL (skipped without it; CI runs them)."""
# ruff: noqa: B023  (each race runs and finishes inside its own loop iteration)

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appeals.constants import AppealOutcome
from cases.constants import CaseState
from cases.models import Case, TimelineEvent
from letters.constants import LetterKind
from letters.models import Letter
from panels import services as panel_services
from panels.constants import Attendance
from public import services as public_services
from public.models import TrackingLink
from tests.appeals.factories import threshold_not_met_case
from tests.appeals.test_services import lodge
from tests.concurrency.builders import listed, opened, received
from tests.concurrency.race import TRIALS, client_for, page_text, race

pytestmark = pytest.mark.services


def one_winner(outcomes, *, ok=302):
    """Exactly one request succeeded; return the loser's page."""
    assert all(exc is None for _, exc in outcomes), [exc for _, exc in outcomes]
    codes = sorted(r.status_code for r, _ in outcomes)
    assert codes == sorted([ok, 200]), codes
    return next(page_text(r) for r, _ in outcomes if r.status_code == 200)


def timeline(case, **filters):
    return TimelineEvent.objects.filter(case=case, **filters)


def two_officers(users):
    return client_for(users["hertsmere.officer"]), client_for(users["hertsmere.manager"])


def test_case_transition(transactional_db, reference, area, users):
    for trial in range(TRIALS):
        case = received(area, users)
        url = reverse("cases:transition", args=[case.reference, "withdraw"])
        reasons = [f"Victim moved away ({trial} A)", f"Victim asked us to stop ({trial} B)"]
        outcomes = race(
            *(
                lambda c=c, r=r: c.post(url, {"expected_state": "received", "reason": r})
                for c, r in zip(two_officers(users), reasons, strict=True)
            )
        )
        loser = one_winner(outcomes)
        assert "Another officer" in loser and "changed the case at" in loser
        assert any(r in loser for r in reasons)
        assert timeline(case, detail__transition="withdraw").count() == 1
        assert Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN


def test_meeting_opened_once(transactional_db, reference, area, users):
    for _ in range(TRIALS):
        listing = listed(area, users)
        url = reverse("panels:listing", args=[listing.pk])
        chair, officer = (
            client_for(users["hertsmere.chair"]),
            client_for(users["hertsmere.officer"]),
        )
        outcomes = race(*(lambda c=c: c.post(url, {"op": "open"}) for c in (chair, officer)))
        loser = one_winner(outcomes)
        assert "Another officer" in loser and "Panel meeting opened" in loser
        assert timeline(listing.case, summary__startswith="Panel meeting opened").count() == 1


def test_minutes_saved_once(transactional_db, reference, area, users):
    for trial in range(TRIALS):
        listing = opened(area, users)
        url = reverse("panels:listing", args=[listing.pk])
        texts = [f"Discussed the noise ({trial} A)", f"Discussed the parking ({trial} B)"]
        chair, officer = (
            client_for(users["hertsmere.chair"]),
            client_for(users["hertsmere.officer"]),
        )
        outcomes = race(
            *(
                lambda c=c, t=t: c.post(
                    url,
                    {
                        "op": "minutes",
                        "minutes-summary": t,
                        "minutes-decisions": "A plan of three actions",
                        "minutes-version": listing.minutes_version,
                    },
                )
                for c, t in zip((chair, officer), texts, strict=True)
            )
        )
        loser = one_winner(outcomes)
        assert "updated this panel at" in loser and "Minutes recorded" in loser
        listing.refresh_from_db()
        assert listing.summary in texts
        assert texts[1 - texts.index(listing.summary)] in loser  # the loser's words are kept
        assert timeline(listing.case, summary__startswith="Minutes recorded").count() == 1


def test_a_double_clicked_declaration_is_signed_once(transactional_db, reference, area, users):
    for _ in range(TRIALS):
        listing = listed(area, users, declared=False)
        url = reverse("panels:listing", args=[listing.pk])
        spoc = users["hertsmere.spoc"]
        clients = (client_for(spoc), client_for(spoc))
        outcomes = race(*(lambda c=c: c.post(url, {"op": "declare"}) for c in clients))
        assert all(exc is None and r.status_code == 302 for r, exc in outcomes)
        signed = timeline(
            listing.case, summary__endswith="signed the information-sharing declaration"
        )
        assert signed.filter(actor=spoc).count() == 1


def test_attendance_set_at_once_is_set_once(transactional_db, reference, area, users):
    for _ in range(TRIALS):
        listing = listed(area, users)
        member = listing.members.get(user=users["hertsmere.housing"])
        panel_services.panel_attendance_record(
            member=member, by=users["hertsmere.officer"], attendance=Attendance.INVITED
        )

        # Both pages were loaded before either click (as two chairs' screens would be).
        seen = [listing.members.get(pk=member.pk), listing.members.get(pk=member.pk)]
        outcomes = race(
            lambda: panel_services.panel_attendance_record(
                member=seen[0], by=users["hertsmere.chair"], attendance=Attendance.ATTENDED
            ),
            lambda: panel_services.panel_attendance_record(
                member=seen[1], by=users["hertsmere.officer"], attendance=Attendance.APOLOGIES
            ),
        )
        errors = [exc for _, exc in outcomes if exc is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        assert "attendance as" in str(errors[0])


def test_appeal_outcome_recorded_once(transactional_db, reference, users):
    for trial in range(TRIALS):
        case = threshold_not_met_case(reference, "devon-and-cornwall")
        appeal = lodge(case, users["devon.officer"])
        url = reverse("appeals:decide", args=[appeal.pk])
        summaries = [f"Rightly decided ({trial} A)", f"Correctly counted ({trial} B)"]
        clients = (client_for(users["devon.officer"]), client_for(users["devon.reviewer"]))
        outcomes = race(
            *(
                lambda c=c, s=s: c.post(
                    url, {"outcome": AppealOutcome.UPHOLD_DECISION, "summary": s}
                )
                for c, s in zip(clients, summaries, strict=True)
            )
        )
        loser = one_winner(outcomes)
        assert "Another officer" in loser and "recorded the outcome at" in loser
        assert any(s in loser for s in summaries)
        assert timeline(case, summary__startswith="Appeal outcome:").count() == 1


def test_appeal_stage_done_once(transactional_db, reference, users):
    for _ in range(TRIALS):
        case = threshold_not_met_case(reference, "devon-and-cornwall")
        appeal = lodge(case, users["devon.officer"])
        stage = appeal.stages.order_by("order").first()
        url = reverse("appeals:stage_complete", args=[appeal.pk, stage.pk])
        clients = (client_for(users["devon.officer"]), client_for(users["devon.reviewer"]))
        outcomes = race(*(lambda c=c: c.post(url, follow=True) for c in clients))
        assert all(exc is None and r.status_code == 200 for r, exc in outcomes)
        pages = [page_text(r) for r, _ in outcomes]
        assert sum("marked this stage done at" in p for p in pages) == 1
        assert timeline(case, summary__startswith="Appeal stage done").count() == 1


def test_letter_sent_once(transactional_db, reference, area, users):
    for _ in range(TRIALS):
        case = received(area, users)
        url = reverse("letters:send", args=[case.reference, LetterKind.CR1])
        data = {"channel": "post", "version": 0}
        outcomes = race(*(lambda c=c: c.post(url, data) for c in two_officers(users)))
        loser = one_winner(outcomes)
        assert "Another officer" in loser and "sent this letter to" in loser
        assert Letter.objects.filter(case=case, kind=LetterKind.CR1).count() == 1
        assert timeline(case, summary__startswith="CR1").count() <= 1


def test_deadline_waived_once(transactional_db, reference, area, users):
    for trial in range(TRIALS):
        case = received(area, users)
        deadline = case.deadlines.get(step="acknowledge")
        url = reverse("deadlines:waive", args=[deadline.pk])
        reasons = [f"Acknowledged in person ({trial} A)", f"Told on the phone ({trial} B)"]
        outcomes = race(
            *(
                lambda c=c, r=r: c.post(url, {"reason": r})
                for c, r in zip(two_officers(users), reasons, strict=True)
            )
        )
        loser = one_winner(outcomes)
        assert "Another officer" in loser and "closed this deadline at" in loser
        assert any(r in loser for r in reasons)
        assert timeline(case, summary__startswith="Deadline waived").count() == 1


def test_tracking_links_issued_at_once_leave_one_live_link(
    transactional_db, reference, area, users
):
    for _ in range(TRIALS):
        case = received(area, users)
        outcomes = race(
            lambda: public_services.tracking_link_issue(case=case, by=users["hertsmere.officer"]),
            lambda: public_services.tracking_link_issue(case=case, by=users["hertsmere.manager"]),
        )
        assert all(exc is None for _, exc in outcomes)
        assert TrackingLink.objects.filter(case=case, revoked_at__isnull=True).count() == 1


def test_issue_and_revoke_at_once_never_leave_two_links(transactional_db, reference, area, users):
    for _ in range(TRIALS):
        case = received(area, users)
        officer = users["hertsmere.officer"]
        outcomes = race(
            lambda: public_services.tracking_link_issue(case=case, by=officer),
            lambda: public_services.tracking_link_revoke(case=case, by=officer),
        )
        assert all(exc is None for _, exc in outcomes)
        assert TrackingLink.objects.filter(case=case, revoked_at__isnull=True).count() <= 1


def test_an_application_sent_twice_at_once_is_one_case(transactional_db, reference, settings):
    from django.core.cache import cache
    from django.test import Client

    from tests.public.helpers import apply

    # Every trial comes from one address: lift the per-address limits for this test.
    settings.PUBLIC_DRAFTS_PER_IP_PER_HOUR = 10_000
    settings.PUBLIC_SUBMIT_RATE = "10000/h"
    settings.PUBLIC_POST_RATE = "100000/h"
    for _ in range(TRIALS):
        cache.clear()  # the submit rate limit counts per address
        first = Client()
        apply(first)
        second = Client()
        second.cookies = first.cookies
        before = Case.objects.count()
        outcomes = race(
            *(lambda c=c: c.post("/apply/check/", {"website": ""}) for c in (first, second))
        )
        assert all(exc is None for _, exc in outcomes), [e for _, e in outcomes]
        assert all(r.status_code in (200, 302) for r, _ in outcomes), [
            r.status_code for r, _ in outcomes
        ]
        assert Case.objects.count() == before + 1


def test_merton_votes_and_the_failed_vote_are_counted_once(transactional_db, reference):
    from cases.services import CaseWorkflowError
    from panels.services import PanelError
    from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat
    from tests.panels.test_e2e import people

    for _ in range(TRIALS):
        area, officer, members, chair = people(reference, "merton")
        case = case_ready_for_panel(area=area, officer=officer)
        listing = panel_services.case_list_for_meeting(
            case=case, meeting=meeting_in(area, days=3, by=officer), by=officer
        )
        police, housing = members
        seat(listing, [(chair, CHAIR), (police, MEMBER), (housing, MEMBER)], by=officer)
        panel_services.listing_open(listing=listing, by=chair)
        panel_services.threshold_vote_cast(
            listing=listing, by=police, agency=police.agency, vote="not_met"
        )
        # The housing partner double-clicks "Record the vote".
        outcomes = race(
            *(
                lambda: panel_services.threshold_vote_cast(
                    listing=listing, by=housing, agency=housing.agency, vote="not_met"
                )
                for _ in range(2)
            )
        )
        errors = [exc for _, exc in outcomes if exc is not None]
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        assert listing.votes.count() == 2
        assert timeline(case, summary__contains=" voted: ").count() == 2
        # Two officers record the failed vote at once: the case moves once.
        outcomes = race(
            *(lambda: panel_services.threshold_vote_conclude(listing=listing, by=officer),) * 2
        )
        assert all(
            exc is None or isinstance(exc, (ValidationError, PanelError, CaseWorkflowError))
            for _, exc in outcomes
        ), outcomes
        assert timeline(case, to_state=CaseState.THRESHOLD_NOT_MET).count() == 1


def test_officer_allocated_once(transactional_db, reference, area, users):
    from cases.services import officer_allocations_version

    officer, manager = users["hertsmere.officer"], users["hertsmere.manager"]
    for _ in range(TRIALS):
        case = received(area, users)
        url = reverse("cases:assign_officer", args=[case.reference])
        version = officer_allocations_version(case)
        choices = [officer, manager]
        outcomes = race(
            *(
                lambda c=c, o=o: c.post(url, {"officer": o.pk, "version": version})
                for c, o in zip(two_officers(users), choices, strict=True)
            )
        )
        loser = one_winner(outcomes)
        assert "Another officer" in loser and "as case officer at" in loser
        assert officer_allocations_version(case) == version + 1
        winner = next(
            o for o, (r, _) in zip(choices, outcomes, strict=True) if r.status_code == 302
        )
        assert Case.objects.get(pk=case.pk).case_officer == winner


def test_agency_response_saved_once(transactional_db, reference, area, users):
    from cases.models import CaseAgency
    from cases.services import agency_responses_version, case_involve_agency
    from tests.concurrency.builders import second_spoc

    spocs = [users["hertsmere.spoc"], second_spoc(users)]
    police = spocs[0].agency
    for trial in range(TRIALS):
        case = received(area, users)
        case_involve_agency(case=case, agency=police, by=users["hertsmere.officer"])
        url = reverse("cases:agency_response", args=[case.reference])
        version = agency_responses_version(case)
        texts = [f"Two calls logged ({trial} A)", f"Three calls logged ({trial} B)"]
        outcomes = race(
            *(
                lambda c=c, t=t: c.post(
                    url,
                    {
                        "agency": police.pk,
                        "reports_held": t,
                        "actions_taken": "Visited",
                        "version": version,
                    },
                )
                for c, t in zip(map(client_for, spocs), texts, strict=True)
            )
        )
        loser = one_winner(outcomes)
        assert "Another officer" in loser and "Constabulary&#x27;s response at" in loser
        assert any(t in loser for t in texts)  # the loser keeps their text
        assert agency_responses_version(case) == version + 1
        saved = CaseAgency.objects.get(case=case, agency=police).reports_held
        assert saved == next(
            t for t, (r, _) in zip(texts, outcomes, strict=True) if r.status_code == 302
        )
