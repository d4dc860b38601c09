"""Each timeline and access-log row stands alone (who, their agency, when, from where,
what changed) and is chained to the one before it; ``audit_verify`` finds a tampered row."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, models
from django.urls import reverse

from asbcr import audit_chain as chain
from audit import erasure, verify
from cases.constants import AccessKind, EventKind
from cases.models import AccessLogEntry, TimelineEvent
from cases.services import access_log_record, case_add_note, case_update_details
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


def plain(model):
    return models.QuerySet(model)


@pytest.fixture
def case(area, officer):
    case = receive_case(area=area, by=officer)
    for text in ("First call.", "Second call.", "Third call."):
        case_add_note(case=case, by=officer, text=text)
    access_log_record(user=officer, kind=AccessKind.VIEW_CASE, case=case)
    return case


def test_a_note_added_on_a_page_records_who_their_agency_and_the_address(client, area, officer):
    case = receive_case(area=area, by=officer)
    client.force_login(officer)
    client.post(
        reverse("cases:note", args=[case.reference]),
        {"text": "Phoned the victim.", "contact_attempt": ""},
        REMOTE_ADDR="203.0.113.7",
    )
    client.get(reverse("cases:detail", args=[case.reference]), REMOTE_ADDR="203.0.113.8")
    note = plain(TimelineEvent).get(case=case, kind=EventKind.NOTE)
    assert (note.actor, note.actor_agency, note.ip_address) == (
        officer,
        officer.agency,
        "203.0.113.7",
    )
    view = plain(AccessLogEntry).get(case=case, kind=AccessKind.VIEW_CASE)
    assert (view.user_agency, view.ip_address) == (officer.agency, "203.0.113.8")


def test_the_address_is_the_one_client_ip_trusts_behind_a_proxy(client, area, officer, settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 1
    case = receive_case(area=area, by=officer)
    client.force_login(officer)
    client.get(
        reverse("cases:detail", args=[case.reference]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.44",
    )
    assert plain(AccessLogEntry).get(case=case).ip_address == "192.0.2.44"


def test_a_change_of_details_records_the_values_before_and_after(area, officer):
    case = receive_case(area=area, by=officer, summary="Loud music at night.")
    case_update_details(
        case=case, by=officer, lock_version=case.lock_version, changes={"summary": "Loud music."}
    )
    event = plain(TimelineEvent).get(case=case, kind=EventKind.DETAILS)
    assert event.detail == {
        "fields": ["summary"],
        "before": {"summary": "Loud music at night."},
        "after": {"summary": "Loud music."},
    }


def test_each_row_is_chained_to_the_one_before_it_in_its_case(case):
    rows = list(plain(TimelineEvent).filter(case=case).order_by("id"))
    assert rows[0].prev_hash == ""
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.row_hash
        assert after.row_hash == chain.timeline_row_hash(after)
    access = plain(AccessLogEntry).get(case=case)
    assert access.chain == f"case:{case.pk}" and access.row_hash


def test_search_rows_without_a_case_chain_globally(officer, reference):
    first = access_log_record(user=officer, kind=AccessKind.SEARCH, query="Smith")
    second = access_log_record(user=officer, kind=AccessKind.SEARCH, query="Jones")
    assert first.chain == second.chain == "global"
    assert second.prev_hash == first.row_hash


def test_an_untouched_trail_verifies(case, capsys):
    assert verify.verify().ok
    call_command("audit_verify", case=case.reference)
    assert "no break found" in capsys.readouterr().out


def test_changed_text_is_found_at_its_row(case):
    row = plain(TimelineEvent).get(case=case, reason="Second call.")
    with erasure.permitted(reason="test: tamper"):
        plain(TimelineEvent).filter(pk=row.pk).update(reason="Nobody called.")
    with pytest.raises(CommandError, match="1 broken"):
        call_command("audit_verify", case=case.reference)
    (found,) = verify.verify(cases=[case]).breaks
    assert (found.row_id, found.problem) == (row.pk, verify.TEXT_CHANGED)
    assert case.reference in str(found)


def test_a_changed_time_is_found(case):
    row = plain(TimelineEvent).get(case=case, reason="First call.")
    with erasure.permitted(reason="test: tamper"):
        plain(TimelineEvent).filter(pk=row.pk).update(at=row.at.replace(year=2020))
    (found,) = verify.verify(area=case.area).breaks
    assert (found.row_id, found.problem) == (row.pk, verify.FACTS_CHANGED)


def test_a_removed_row_breaks_the_link_of_the_next(case):
    rows = list(plain(TimelineEvent).filter(case=case).order_by("id"))
    with erasure.permitted(reason="test: tamper"):
        plain(TimelineEvent).filter(pk=rows[1].pk)._raw_delete(connection.alias)
    (found,) = verify.verify(cases=[case]).breaks
    assert (found.row_id, found.problem) == (rows[2].pk, verify.LINK_BROKEN)


def test_a_changed_access_log_query_is_found(officer, reference):
    access_log_record(user=officer, kind=AccessKind.SEARCH, query="Smith")
    row = access_log_record(user=officer, kind=AccessKind.SEARCH, query="Jones")
    with erasure.permitted(reason="test: tamper"):
        plain(AccessLogEntry).filter(pk=row.pk).update(query="Brown")
    (found,) = verify.verify().breaks
    assert (found.row_id, found.problem) == (row.pk, verify.ACCESS_TEXT_CHANGED)


def test_the_backfill_seals_rows_written_before_the_chain_in_order(case):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("cases.migrations.0007_backfill_audit_hashes").backfill
    with erasure.permitted(reason="test: unseal"):
        plain(TimelineEvent).update(row_hash="", prev_hash="", personal_hash="")
    assert not verify.verify().ok
    with erasure.permitted(reason="test: backfill"):
        backfill(apps, None)
    assert verify.verify().ok


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain(reference, area, officer):
    case = receive_case(area=area, by=officer)
    before = plain(TimelineEvent).filter(case=case).count()  # receipt, and its emails
    errors = []

    def write(n):
        try:
            for i in range(5):
                case_add_note(case=case, by=officer, text=f"Writer {n}, note {i}.")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert plain(TimelineEvent).filter(case=case).count() == before + 20
    report = verify.verify(cases=[case])
    assert report.ok, [str(b) for b in report.breaks]


def test_the_timeline_export_carries_agency_address_and_hashes(client, area, officer):
    import csv
    import io

    case = receive_case(area=area, by=officer)
    client.force_login(officer)
    client.post(
        reverse("cases:note", args=[case.reference]),
        {"text": "Phoned."},
        REMOTE_ADDR="203.0.113.9",
    )
    response = client.get(reverse("cases:timeline_export", args=[case.reference]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    note = next(r for r in rows if r["kind"] == "note")
    stored = plain(TimelineEvent).get(case=case, kind=EventKind.NOTE)
    assert note["agency"] == str(officer.agency) and note["address"] == "203.0.113.9"
    assert (note["row hash"], note["previous row hash"]) == (stored.row_hash, stored.prev_hash)


def test_entries_written_in_bulk_join_each_cases_chain_in_order(case, area, officer):
    """The deadline sweep writes its timeline entries in bulk; they must chain exactly as
    single entries do, interleaved across cases, or audit_verify would report a break."""
    from cases.services import timeline_record_many

    other = receive_case(area=area, by=officer)
    written = timeline_record_many(
        [
            {"case": case, "kind": EventKind.DEADLINE, "summary": "Deadline missed: CR1"},
            {"case_id": other.pk, "kind": EventKind.DEADLINE, "summary": "Reminder sent"},
            {"case": case, "kind": EventKind.EMAIL, "summary": "Email sent", "by": officer},
        ]
    )
    case_add_note(case=case, by=officer, text="After the sweep.")
    assert written[2].prev_hash == written[0].row_hash
    assert written[0].prev_hash  # follows the case's earlier entries
    report = verify.verify(cases=[case, other])
    assert report.ok, [str(b) for b in report.breaks]


@pytest.mark.parametrize(
    "detail",
    [
        {},
        None,
        {"deadline": "d:1", "due": "2027-03-10", "rung": 2, "on": True, "gone": None},
        {"fields": ["name", "email"], "before": {"name": "Ann"}, "after": {"name": "Anne"}},
        {"pair": ("a", 1), "nested": [{"x": (1, 2)}], "score": 0.5, "text": "Dŵr \u00e9"},
        {1: "one", 10: "ten", 2: "two"},  # keys a JSON column stores as text, sorted as text
        {"outer": {3: "c", 20: "t"}},
        {True: "yes", None: "none"},
    ],
)
def test_a_rows_hash_is_that_of_the_detail_as_the_database_gives_it_back(detail):
    """Format 1 hashes the detail a JSON column gives back, so a row checked after it is
    read from the database matches the hash it was sealed with."""
    import json
    from types import SimpleNamespace

    row = SimpleNamespace(summary="Deadline breached", reason="", detail=detail)
    stored = json.loads(json.dumps(detail if detail is not None else {}))
    expected = chain.digest({"summary": row.summary, "reason": row.reason, "detail": stored})
    assert chain.timeline_personal_hash(row) == expected
    assert chain.timeline_personal_hash(SimpleNamespace(**{**vars(row), "detail": stored})) == (
        expected
    )
