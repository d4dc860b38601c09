"""The timeline, access log, sent letters and procedure versions cannot be changed or
removed by anything with database access, except through the one erasure path."""

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse

from audit import erasure, triggers
from audit.models import ErasureLog, ErasurePermit
from cases.constants import AccessKind
from cases.models import AccessLogEntry, TimelineEvent
from cases.services import access_log_record, case_add_note
from letters import services as letter_services
from letters.constants import LetterChannel, LetterKind
from letters.models import Letter
from partnerships.models import ProcedureVersion
from tests.factories import receive_case

pytestmark = pytest.mark.django_db

PROTECTED = [TimelineEvent, AccessLogEntry, Letter, ProcedureVersion]


@pytest.fixture
def case(area, officer):
    case = receive_case(area=area, by=officer)
    case_add_note(case=case, by=officer, text="Spoke to the victim.")
    access_log_record(user=officer, kind=AccessKind.VIEW_CASE, case=case)
    letter_services.letter_send(
        case=case, kind=LetterKind.CR1, by=officer, channel=LetterChannel.POST
    )
    return case


@pytest.fixture
def superuser(reference):
    from partnerships.models import User

    return User.objects.get(username="admin")


def plain(model) -> models.QuerySet:
    """A queryset without the Python append-only guard, as any code could build."""
    return models.QuerySet(model)


def test_every_protected_table_has_its_triggers(db):
    assert triggers.installed(connection) == set(triggers.PROTECTED_TABLES)


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
def test_orm_update_bypassing_the_python_guard_is_refused(case, model):
    before = list(plain(model).values())
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        model._base_manager.update(id=models.F("id"))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        plain(model).filter(pk__gt=0).update(id=models.F("id"))
    assert list(plain(model).values()) == before


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
def test_orm_delete_bypassing_the_python_guard_is_refused(case, model):
    count = plain(model).count()
    assert count
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        plain(model)._raw_delete(connection.alias)
    with pytest.raises((IntegrityError, models.ProtectedError)), transaction.atomic():
        plain(model).delete()
    assert plain(model).count() == count


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
def test_raw_sql_update_and_delete_are_refused(case, model):
    table = model._meta.db_table
    count = plain(model).count()
    for sql in (f'UPDATE "{table}" SET id = id', f'DELETE FROM "{table}"'):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert plain(model).count() == count


@pytest.mark.services
@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
def test_truncate_is_refused_on_postgresql(case, model):
    table = model._meta.db_table
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'TRUNCATE "{table}" CASCADE')
    assert plain(model).exists()


def test_the_admin_cannot_change_or_delete_timeline_or_access_log(client, case, superuser):
    client.force_login(superuser)
    for model in (TimelineEvent, AccessLogEntry):
        row = plain(model).filter(case=case).first()
        opts = model._meta
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
        response = client.post(change, {"summary": "Rewritten", "target": "Rewritten"})
        assert response.status_code == 403
        response = client.post(delete, {"post": "yes"})
        assert response.status_code == 403
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.post(
            changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        )
        assert plain(model).filter(pk=row.pk).exists()
    assert TimelineEvent.objects.get(pk=plain(TimelineEvent).filter(case=case).first().pk)


def test_deleting_a_procedure_in_the_admin_keeps_its_versions(client, case, superuser, area):
    client.force_login(superuser)
    procedure = area.procedure
    versions = plain(ProcedureVersion).filter(procedure=procedure).count()
    url = reverse("admin:partnerships_procedure_delete", args=[procedure.pk])
    client.post(url, {"post": "yes"})
    assert plain(ProcedureVersion).filter(procedure=procedure).count() == versions


def test_the_erasure_path_allows_a_change_logs_it_and_leaves_no_permit(case, superuser):
    row = plain(TimelineEvent).filter(case=case, reason__contains="victim").get()
    with erasure.permitted(reason="test: correct a row", by=superuser) as log:
        plain(TimelineEvent).filter(pk=row.pk).update(reason="[erased]")
    assert plain(TimelineEvent).get(pk=row.pk).reason == "[erased]"
    assert not ErasurePermit.objects.exists()
    assert ErasureLog.objects.get(pk=log.pk).reason == "test: correct a row"
    # ... and afterwards the protection is back.
    with pytest.raises(IntegrityError), transaction.atomic():
        plain(TimelineEvent).filter(pk=row.pk).update(reason="again")


def test_a_failed_erasure_rolls_back_with_its_permit(case):
    with pytest.raises(RuntimeError), erasure.permitted(reason="test: fails"):
        raise RuntimeError
    assert not ErasurePermit.objects.exists()
    assert not ErasureLog.objects.filter(reason="test: fails").exists()


def test_the_erasure_log_is_itself_append_only(case):
    with erasure.permitted(reason="test"):
        pass
    with pytest.raises(IntegrityError), transaction.atomic():
        plain(ErasureLog).update(reason="nothing happened")
    with pytest.raises(IntegrityError), transaction.atomic():
        plain(ErasureLog)._raw_delete(connection.alias)


def test_flush_outside_tests_is_refused(settings):
    from django.core.management import CommandError, call_command

    settings.AUDIT_ALLOW_FLUSH = False
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_with_audit_rows_is_flushed_afterwards(reference, area, officer):
    """The test runner's flush goes through the erasure path (audit flush command)."""
    case = receive_case(area=area, by=officer)
    assert plain(TimelineEvent).filter(case=case).exists()


@pytest.mark.django_db(transaction=True)
def test_the_flush_left_an_empty_audit_trail(db):
    assert not plain(TimelineEvent).exists()
    assert triggers.installed(connection) == set(triggers.PROTECTED_TABLES)
