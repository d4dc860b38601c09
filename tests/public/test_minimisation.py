"""Data minimisation on the public side: drafts do not outlive their expiry, and neither
a draft's resume link nor an applicant's tracking link is stored in a usable form."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from public import services
from public.models import DraftApplication, TrackingLink, token_hash
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


def test_expired_drafts_are_deleted_and_live_ones_kept(area):
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        old, _ = services.draft_start(area=area, ip="192.0.2.1")
        services.draft_save(draft=old, key="you", value={"name": "Anna Kowalski"})
    with time_machine.travel(dt.datetime(2026, 3, 25, 12, 0, tzinfo=dt.UTC), tick=False):
        live, _ = services.draft_start(area=area, ip="192.0.2.2")
        assert services.draft_purge_expired() == 0
    with time_machine.travel(dt.datetime(2026, 3, 31, 12, 0, 1, tzinfo=dt.UTC), tick=False):
        assert services.draft_purge_expired() == 1
    assert list(DraftApplication.objects.values_list("pk", flat=True)) == [live.pk]


def _stored_text(model) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 (table name)
        return repr(cursor.fetchall())


def test_links_are_stored_only_as_hashes(area, officer):
    draft, resume = services.draft_start(area=area, ip="192.0.2.3")
    case = receive_case(area=area, by=officer)
    token = services.tracking_link_issue(case=case, by=officer)
    assert resume not in _stored_text(DraftApplication)
    assert "192.0.2.3" not in _stored_text(DraftApplication)
    assert token not in _stored_text(TrackingLink)
    assert TrackingLink.objects.filter(token_hash=token_hash(token)).exists()
