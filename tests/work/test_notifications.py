"""Work notifications: sent once each, to people who may see the case, with the link to
the page where the work is done; immediate or in a daily digest."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.services import case_involve_agency, case_transition
from deadlines.constants import NotificationKind
from deadlines.models import Notification
from tests.factories import receive_case
from work import notifications
from work.models import DigestItem
from work.services import preference_set

pytestmark = pytest.mark.django_db


def to(user):
    return [m for m in mail.outbox if user.email in m.to]


def test_a_new_application_is_emailed_once_to_each_officer_of_the_area(
    area, officer, users, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8120"
    with django_capture_on_commit_callbacks(execute=True):
        case = receive_case(area=area, by=officer)
    for name in ("hertsmere.officer", "hertsmere.manager"):
        sent = to(users[name])
        assert len(sent) == 1, [m.subject for m in mail.outbox]
        link = "http://127.0.0.1:8120" + reverse("cases:detail", args=[case.reference])
        assert link in sent[0].body
        assert case.applicant.name not in sent[0].body + sent[0].subject
    assert not to(users["staffordshire.officer"])
    assert not to(users["hertsmere.spoc"])
    # Asked again (a retried task, a second hook): nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_new_application(case) == 0
    assert len(to(officer)) == 1
    assert Notification.objects.filter(kind=NotificationKind.WORK, case=case).count() == 2


def test_asking_the_relevant_bodies_tells_each_spoc_once_with_the_response_page(
    area, officer, users, police, housing, django_capture_on_commit_callbacks
):
    case = receive_case(area=area, by=officer)
    case_involve_agency(case=case, agency=police, by=officer)
    case = case_transition(case=case, name="acknowledge", by=officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(case=case, name="start_gathering", by=officer)
    spoc = users["hertsmere.spoc"]
    sent = to(spoc)
    assert len(sent) == 1
    assert reverse("work:respond", args=[case.reference]) in sent[0].body
    assert not to(users["hertsmere.housing"])  # Clarion is not involved
    involvement = case.involvements.get(agency=police)
    assert involvement.notified_on is not None
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_information_requested(case, involvement)
    assert len(to(spoc)) == 1


def test_nobody_is_told_about_a_case_they_cannot_see(received, users):
    outsider = users["staffordshire.officer"]
    notice = notifications.WorkNotice(
        key="test:outsider",
        kind="new_application",
        user=outsider,
        summary="x",
        what_to_do="y",
        link="/",
        link_label="z",
        case=received,
    )
    assert notifications.notify(notice) is False
    assert not Notification.objects.filter(recipient_user=outsider).exists()


def test_a_daily_digest_holds_the_work_and_is_sent_once_a_day(
    area, officer, users, django_capture_on_commit_callbacks
):
    manager = users["hertsmere.manager"]
    preference_set(user=manager, frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        first = receive_case(area=area, by=officer)
        second = receive_case(area=area, by=officer)
    assert not to(manager)
    assert len(to(officer)) == 2  # immediate
    assert DigestItem.objects.filter(user=manager).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.digests_send() == 1
        assert notifications.digests_send() == 0
    digest = to(manager)
    assert len(digest) == 1
    assert first.reference in digest[0].body and second.reference in digest[0].body
    assert not DigestItem.objects.filter(user=manager, digest_key="").exists()


def test_listed_for_a_panel_reviewer_appointed_action_assigned_and_appeal_lodged(
    users, officer, area, django_capture_on_commit_callbacks
):
    from panels import services as panels
    from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat

    case = case_ready_for_panel(area=area, officer=officer)
    listing = panels.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    chair = users["hertsmere.chair"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seat(listing, [(chair, CHAIR), (users["hertsmere.spoc"], MEMBER)], by=officer)
    sent = to(chair)
    assert len(sent) == 1 and "declaration" in sent[0].body
    assert reverse("panels:listing", args=[listing.pk]) in sent[0].body


def test_an_appeal_tells_the_reviewer_and_the_case_officer_once(
    reference, django_capture_on_commit_callbacks
):
    from cases.services import case_assign_officer
    from tests.appeals.factories import threshold_not_met_case
    from tests.appeals.test_services import lodge

    users = reference["users"]
    officer, reviewer = users["devon.officer"], users["devon.reviewer"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    case_assign_officer(case=case, officer=officer, by=officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = lodge(case, officer)
    link = reverse("appeals:detail", args=[appeal.pk])
    appointed = [m for m in to(reviewer) if "review the appeal" in m.subject]
    lodged = [m for m in to(officer) if "appeal is lodged" in m.subject]
    assert len(appointed) == 1 and link in appointed[0].body
    assert len(lodged) == 1 and link in lodged[0].body
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_reviewer_appointed(appeal)
        notifications.notify_appeal_lodged(appeal)
    assert len(to(reviewer)) == 1 and len([m for m in to(officer) if "appeal" in m.subject]) == 1


def test_an_action_on_the_plan_tells_its_owner_once(
    users, officer, area, django_capture_on_commit_callbacks
):
    import datetime as dt

    from panels import services as panels
    from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat

    case = case_ready_for_panel(area=area, officer=officer)
    listing = panels.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    spoc = users["hertsmere.spoc"]
    seat(
        listing,
        [
            (users["hertsmere.chair"], CHAIR),
            (officer, MEMBER),
            (spoc, MEMBER),
            (users["hertsmere.housing"], MEMBER),
        ],
        by=officer,
    )
    panels.listing_open(listing=listing, by=users["hertsmere.chair"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action = panels.action_add(
            case=case,
            by=officer,
            listing=listing,
            data=panels.ActionInput(
                what="Visit the neighbour",
                why="Noise",
                owner=spoc,
                agency=None,
                due_on=dt.date.today() + dt.timedelta(days=14),
            ),
        )
    sent = to(spoc)
    assert len(sent) == 1 and reverse("panels:action", args=[action.pk]) in sent[0].body


def test_deadlines_due_soon_overdue_or_escalated_go_in_the_digest_of_whoever_chose_it(
    area, officer, users, django_capture_on_commit_callbacks
):
    import datetime as dt

    import time_machine

    from deadlines.constants import NotificationState
    from deadlines.sweep import deadlines_sweep

    def at(day):
        return time_machine.travel(dt.datetime(day.year, day.month, day.day, 7), tick=False)

    with at(dt.date(2026, 12, 22)):
        case = receive_case(area=area, by=officer, received_on=dt.date(2026, 12, 22))
    ack = case.deadlines.get(step="acknowledge")
    ack.responsible_user = officer
    ack.save(update_fields=["responsible_user"])
    preference_set(user=officer, frequency="daily")
    mail.outbox.clear()
    for day in (dt.date(2026, 12, 24), dt.date(2026, 12, 30), dt.date(2026, 12, 31)):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            deadlines_sweep()
    # Nothing about the deadline was emailed to the officer on its own ...
    assert not [m for m in to(officer) if "Overdue" in m.subject or "due" in m.subject.lower()]
    # ... each message is in the outbox once, kept for the digest, and listed in it once.
    kept = Notification.objects.filter(deadline=ack, recipient_user=officer)
    assert {n.kind for n in kept} == {NotificationKind.REMINDER, NotificationKind.BREACH}
    assert {n.state for n in kept} == {NotificationState.DIGESTED}
    items = DigestItem.objects.filter(user=officer, case=case).exclude(kind="new_application")
    assert sorted(items.values_list("kind", flat=True)) == ["due_soon", "overdue"]
    assert all(item.link == reverse("cases:detail", args=[case.reference]) for item in items)
    with at(dt.date(2026, 12, 31)), django_capture_on_commit_callbacks(execute=True):
        assert notifications.digests_send() == 1
    digest = to(officer)[-1]
    assert "Overdue" in digest.body and case.reference in digest.body
    # Someone who did not choose the digest still hears straight away.
    preference_set(user=officer, frequency="immediate")
    ack.refresh_from_db()
    from deadlines.services import deadline_record_delay

    with at(dt.date(2026, 12, 31)):
        deadline_record_delay(
            deadline=ack, new_due=dt.date(2027, 1, 8), reason="Waiting", by=officer
        )
    mail.outbox.clear()
    with at(dt.date(2027, 1, 11)), django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep()
    assert [m for m in to(officer) if m.subject.startswith("Overdue")]
