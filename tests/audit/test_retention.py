"""Closed cases are anonymised once their procedure's retention has passed: personal
data goes, the figures stay, legal holds stop it, and it runs once per case."""

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models

from audit import retention, verify
from cases import services
from cases.constants import AccessKind, CaseState, EventKind
from cases.models import Case, TimelineEvent
from letters import services as letter_services
from letters.constants import LetterChannel, LetterKind
from letters.models import Letter
from partnerships.procedures import validate_procedure as validate
from reporting import selectors as reporting
from reporting.periods import Period
from tests.reporting.factories import SECRET_WORDS, appeal, at, case_on, step, victim

pytestmark = pytest.mark.django_db

SENTINELS = (
    "Zebedee",
    "zebedee@example.com",
    "Quartermaine",
    "Secretive Lane",
    "Pomfrey-Quill",
    "WD6 9ZZ",
)
RECEIVED = dt.date(2026, 5, 4)
CLOSED = dt.date(2026, 6, 1)
AFTER = dt.date(2032, 6, 2)  # six years and a day after closing


def closed_case(area, officer, *, name="Zebedee Quartermaine", postcode="WD6 9ZZ", closed=CLOSED):
    case = case_on(
        area=area,
        by=officer,
        received_on=RECEIVED,
        victim=victim(name=name, postcode=postcode),
        summary=f"{name}'s neighbour {SECRET_WORDS} plays loud music.",
        perpetrators=[{"name": "Pomfrey-Quill", "description": "Tall, shouts at night."}],
    )
    with time_machine.travel(at(RECEIVED, 10), tick=False):
        services.case_add_note(case=case, by=officer, text=f"Called {name} at home.")
        services.case_update_details(
            case=case,
            by=officer,
            lock_version=case.lock_version,
            changes={"impact": f"{name} cannot sleep."},
        )
        services.impact_statement_add(
            case=case,
            by=officer,
            source="written_paper",
            text=f"I am {name} and I am exhausted.",
            given_by=name,
            attachment=ContentFile(b"%PDF-1.4 statement", name="statement.pdf"),
        )
        services.access_log_record(
            user=officer, kind=AccessKind.VIEW_CASE, case=case, target=f"Letter to {name}"
        )
        letter_services.letter_send(
            case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
        )
        from public import services as public_services

        public_services.tracking_link_issue(case=case, by=officer)
        outbox(case, name)
    appeal(
        case,
        lodged_on=RECEIVED + dt.timedelta(days=10),
        decided_on=RECEIVED + dt.timedelta(days=20),
        outcome="uphold_decision",
    )
    case = step(case, "withdraw", by=officer, when=at(closed, 9))
    return step(case, "close", by=officer, when=at(closed, 10))


def outbox(case, name):
    """An email in the deadlines outbox, about the case and about one of its deadlines."""
    from deadlines.models import Deadline, Notification

    Notification.objects.create(
        key=f"test:{case.pk}:case",
        kind="reminder",
        case=case,
        recipient_name=name,
        recipient_email="zebedee@example.com",
        subject=f"About {name}",
        body_text=f"Dear {name}",
    )
    deadline = Deadline.objects.filter(case=case).first()
    if deadline is not None:
        Notification.objects.create(
            key=f"test:{case.pk}:deadline",
            kind="reminder",
            deadline=deadline,
            recipient_name=name,
            subject="Reminder",
            body_text=f"{name} is waiting.",
        )


def plain(model):
    return models.QuerySet(model)


def text_values():
    """Every text and JSON value in the database, model by model."""
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if fields:
            for row in plain(model).values_list(*fields):
                yield model, str(row)


def test_retention_is_a_procedure_section_with_a_default_of_six_years(area, officer):
    case = closed_case(area, officer)
    assert retention.retention_years(case) == 6
    assert retention.erasure_due_on(case) == dt.date(2032, 6, 1)
    errors = validate({"retention": {"closed_cases_years": "six", "keep": 1}})
    paths = {e.path for e in errors}
    assert {"retention.closed_cases_years", "retention.keep"} <= paths


def test_a_case_is_kept_until_its_retention_has_passed(area, officer):
    case = closed_case(area, officer)
    assert retention.run(on=dt.date(2032, 5, 31)) == []
    assert retention.run(on=dt.date(2032, 6, 1)) == [case]


def test_dry_run_lists_and_erases_nothing_then_the_run_erases(area, officer, capsys):
    case = closed_case(area, officer)
    call_command("retention", dry_run=True, on=AFTER.isoformat())
    out = capsys.readouterr().out
    assert "Would erase 1 of 1" in out and case.reference in out and "letters (PDFs)" in out
    assert Case.objects.get(pk=case.pk).victim.name == "Zebedee Quartermaine"
    call_command("retention", on=AFTER.isoformat())
    assert "Erased 1 cases." in capsys.readouterr().out
    case.refresh_from_db()
    assert case.erased_on == AFTER
    assert case.victim.name == "[erased under retention on 2 June 2032]"


def test_no_personal_data_is_left_anywhere_after_erasure(area, officer):
    case = closed_case(area, officer)
    assert any("Zebedee" in text for _m, text in text_values())
    retention.run(on=AFTER)
    left = [(m.__name__, t) for m, t in text_values() if any(s in t for s in SENTINELS)]
    assert left == []
    letter = plain(Letter).get(case=case)
    assert not letter.pdf and letter.sha256 and letter.erased_at
    assert not case.impact_statements.get().attachment
    assert not case.tracking_links.exists()


def test_the_files_are_deleted_from_storage(area, officer):
    case = closed_case(area, officer)
    letter = plain(Letter).get(case=case)
    statement = case.impact_statements.get()
    stored = [
        (letter.pdf.storage, letter.pdf.name),
        (statement.attachment.storage, statement.attachment.name),
    ]
    assert all(storage.exists(name) for storage, name in stored)
    retention.run(on=AFTER)
    assert not any(storage.exists(name) for storage, name in stored)


def test_the_published_figures_do_not_change(area, officer):
    closed_case(area, officer)
    closed_case(area, officer)  # the same victim again: a repeat application
    closed_case(area, officer, name="Other Person", postcode="WD6 1AA")
    areas, periods = [area], [Period.financial_year(2026)]
    before = reporting.figures(areas=areas, periods=periods)
    by_channel = reporting.applications_by_channel(areas=areas, periods=periods)
    by_outcome = reporting.applications_by_outcome(areas=areas, periods=periods)
    repeats = reporting.repeat_applications(areas=areas, periods=periods)
    assert repeats == {"2026-27": 1}
    assert len(retention.run(on=AFTER)) == 3
    assert reporting.figures(areas=areas, periods=periods) == before
    assert reporting.applications_by_channel(areas=areas, periods=periods) == by_channel
    assert reporting.applications_by_outcome(areas=areas, periods=periods) == by_outcome
    assert reporting.repeat_applications(areas=areas, periods=periods) == repeats
    assert reporting.report(areas=areas, periods=periods)["repeat_applications"] == 1


def test_a_victim_with_a_later_application_still_kept_waits_for_it(area, officer):
    first = closed_case(area, officer)
    later = closed_case(area, officer, closed=dt.date(2027, 6, 1))
    (item,) = retention.due_cases(on=AFTER)
    assert item.case == first and later.reference in item.blocked
    assert retention.run(on=AFTER) == []
    assert {c.pk for c in retention.run(on=dt.date(2033, 6, 2))} == {first.pk, later.pk}


def test_the_run_is_idempotent_with_one_erasure_entry_per_case(area, officer):
    case = closed_case(area, officer)
    retention.run(on=AFTER)
    assert retention.run(on=AFTER) == []
    assert retention.case_erase(case=case, on=AFTER) == []
    erasures = plain(TimelineEvent).filter(case=case, kind=EventKind.ERASURE)
    assert erasures.count() == 1
    assert erasures.get().detail["retention_years"] == 6


def test_the_trail_still_verifies_after_erasure_and_facts_are_kept(area, officer):
    case = closed_case(area, officer)
    kinds = list(plain(TimelineEvent).filter(case=case).values_list("kind", "to_state", "at"))
    retention.run(on=AFTER)
    report = verify.verify(cases=[case])
    assert report.ok, [str(b) for b in report.breaks]
    after = list(plain(TimelineEvent).filter(case=case).values_list("kind", "to_state", "at"))
    assert after[: len(kinds)] == kinds
    details = plain(TimelineEvent).get(case=case, kind=EventKind.DETAILS).detail
    assert details["fields"] == ["impact"] and "Zebedee" not in str(details)
    case.refresh_from_db()
    assert (case.state, case.channel, case.received_on, case.closed_on) == (
        CaseState.CLOSED,
        "phone",
        RECEIVED,
        CLOSED,
    )


def test_an_erased_row_without_an_erasure_event_is_reported(area, officer):
    from audit import erasure

    case = case_on(area=area, by=officer, received_on=RECEIVED)
    with erasure.permitted(reason="test: forge an erasure"):
        plain(TimelineEvent).filter(case=case).update(reason="gone", erased_at=at(RECEIVED))
    (found,) = verify.verify(cases=[case]).breaks
    assert found.problem == verify.ERASED_UNCOVERED


def test_a_legal_hold_stops_erasure_until_it_is_lifted(area, officer, users):
    case = closed_case(area, officer)
    admin = users["hertsmere.admin"]
    with pytest.raises(PermissionDenied):
        services.case_legal_hold_set(case=case, by=officer, reason="Claim")
    services.case_legal_hold_set(case=case, by=admin, reason="Civil claim lodged 1 May 2032")
    (item,) = retention.due_cases(on=AFTER)
    assert "legal hold" in item.blocked
    assert retention.run(on=AFTER) == []
    services.case_legal_hold_clear(case=case, by=admin, reason="Claim settled")
    assert retention.run(on=AFTER) == [case]
    holds = plain(TimelineEvent).filter(case=case, kind=EventKind.LEGAL_HOLD)
    assert [e.detail["legal_hold"] for e in holds.order_by("id")] == [True, False]


def test_the_daily_job_is_scheduled_and_erases(area, officer, settings):
    from audit.tasks import apply_retention

    assert settings.CELERY_BEAT_SCHEDULE["audit-retention"]["task"] == "audit.retention"
    case = closed_case(area, officer)
    with time_machine.travel(at(AFTER, 3), tick=False):
        assert apply_retention.delay().get() == [case.reference]
