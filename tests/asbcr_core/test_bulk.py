"""``asbcr.bulk.insert_rows``: plain rows in one COPY on PostgreSQL, ``bulk_create``
elsewhere; defaults filled as ``save`` fills them, conflicts skipped when asked, and the
statement counted like any other. ``asbcr.bulk.any_of``: the rows ``__in`` finds."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from asbcr.bulk import any_of, insert_rows
from cases.constants import EventKind
from cases.models import TimelineEvent
from deadlines.models import Notification
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


def outbox_row(key: str, case) -> dict:
    return {
        "key": key,
        "kind": "breach",
        "case_id": case.pk,
        "recipient_email": "pat@example.org",
        "subject": "Overdue <b> & 'quoted'",
        "body_text": "Dear Pat,\n\tTabs, newlines and a back\\slash\u2019s fine.\n",
        "body_html": "<p>Dear Pat</p>",
    }


def test_rows_are_written_with_their_defaults(area, officer):
    case = receive_case(area=area, by=officer)
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Notification, [outbox_row("a:1", case), outbox_row("a:2", case)])
    written = Notification.objects.get(key="a:2")
    assert written.body_text == outbox_row("a:2", case)["body_text"]
    assert written.subject == "Overdue <b> & 'quoted'"
    assert (written.state, written.attempts, written.last_error, written.sent_at) == (
        "pending",
        0,
        "",
        None,
    )
    assert written.created_at is not None and written.updated_at is not None
    if connection.vendor == "postgresql":
        assert [q["sql"].split(" ")[0] for q in queries.captured_queries] == ["COPY"]


def test_json_and_missing_required_values(area, officer):
    case = receive_case(area=area, by=officer)
    detail = {"deadline": "k", "nested": [1, "two", None], "text": "a\tb\n"}
    insert_rows(
        TimelineEvent,
        [{"case_id": case.pk, "kind": EventKind.DEADLINE, "summary": "S", "detail": detail}],
    )
    assert TimelineEvent.objects.get(case=case, summary="S").detail == detail
    with pytest.raises((KeyError, IntegrityError)), transaction.atomic():
        insert_rows(TimelineEvent, [{"kind": EventKind.DEADLINE, "summary": "no case"}])


def test_conflicting_rows_are_skipped_only_when_asked(area, officer):
    case = receive_case(area=area, by=officer)
    insert_rows(Notification, [outbox_row("b:1", case)])
    insert_rows(
        Notification, [outbox_row("b:1", case), outbox_row("b:2", case)], ignore_conflicts=True
    )
    assert set(Notification.objects.filter(key__startswith="b:").values_list("key", flat=True)) == {
        "b:1",
        "b:2",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Notification, [outbox_row("b:2", case)])


def test_any_of_finds_what_in_finds(area, officer):
    case = receive_case(area=area, by=officer)
    insert_rows(Notification, [outbox_row(f"any:{i}", case) for i in range(5)])
    rows = {n.key: n.pk for n in Notification.objects.filter(key__startswith="any:")}
    wanted = ["any:1", "any:3", "any:1", "nowhere"]
    by_key = Notification.objects.filter(any_of("key", wanted))
    assert sorted(by_key.values_list("key", flat=True)) == ["any:1", "any:3"]
    ids = {rows["any:0"], rows["any:4"], None}
    assert set(Notification.objects.filter(any_of("pk", ids)).values_list("key", flat=True)) == {
        "any:0",
        "any:4",
    }
    assert list(Notification.objects.filter(any_of("pk", []))) == []
    # An update by many ids, as the sweep marks its breaches.
    assert Notification.objects.filter(any_of("pk", rows.values())).update(attempts=2) == 5


def test_any_of_sends_one_array_on_postgresql(area, officer):
    with CaptureQueriesContext(connection) as queries:
        list(Notification.objects.filter(any_of("pk", range(1, 2001))))
    if connection.vendor == "postgresql":
        assert " = ANY(" in queries.captured_queries[0]["sql"]
    else:
        assert " IN (" in queries.captured_queries[0]["sql"]


def test_every_kind_of_column_comes_back_as_written(area, officer):
    """Addresses (both families), flags, times, empty and absent values, and text with
    tabs, newlines, backslashes and non-ASCII letters, as ``save`` would store them."""
    import datetime as dt

    case = receive_case(area=area, by=officer)
    at = dt.datetime(2027, 3, 10, 9, 30, 15, 123456, tzinfo=dt.UTC)
    rows = [
        {
            "case_id": case.pk,
            "kind": EventKind.NOTE,
            "summary": f"Row {n}",
            "reason": "Tab\there, line\nthere, back\\slash, Cymraeg: ŵ ŷ",
            "detail": {"n": n, "list": [True, None, 1.5]},
            "visible_to_applicant": n == 1,
            "actor_id": officer.pk if n == 1 else None,
            "ip_address": address,
            "at": at,
        }
        for n, address in enumerate(["203.0.113.7", "2001:db8::1", None])
    ]
    insert_rows(TimelineEvent, rows)
    written = {e.summary: e for e in TimelineEvent.objects.filter(summary__startswith="Row ")}
    for n, row in enumerate(rows):
        event = written[f"Row {n}"]
        assert event.reason == row["reason"]
        assert event.detail == row["detail"]
        assert event.ip_address == row["ip_address"]
        assert event.visible_to_applicant is row["visible_to_applicant"]
        assert event.actor_id == row["actor_id"]
        assert event.at == at
        assert (event.from_state, event.to_state) == ("", "")
