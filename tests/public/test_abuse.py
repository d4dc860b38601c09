"""A flood of requests cannot fill the database: drafts and cases are bounded per address
and in total, and submissions are rate-limited per address."""

import pytest

from cases.models import Case
from public.models import DraftApplication
from tests.public.helpers import apply

pytestmark = pytest.mark.django_db


def test_a_flood_of_new_applications_from_one_address_is_bounded(reference, client, settings):
    settings.PUBLIC_DRAFTS_PER_IP_PER_HOUR = 5
    statuses = []
    for _ in range(40):
        fresh = type(client)()
        statuses.append(fresh.post("/apply/postcode/", {"postcode": "WD6 1AA"}).status_code)
    assert DraftApplication.objects.count() == 5
    assert statuses.count(429) == 35


def test_a_flood_from_many_addresses_is_bounded_in_total(reference, client, settings):
    settings.PUBLIC_MAX_LIVE_DRAFTS = 10
    for i in range(30):
        fresh = type(client)(REMOTE_ADDR=f"10.0.{i // 250}.{i % 250}")
        fresh.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    assert DraftApplication.objects.count() == 10


def test_a_service_full_of_expired_drafts_takes_new_applications(reference, settings):
    """Expired drafts never keep the service full: they are purged as a draft starts, in
    the same transaction as the start and its first answer."""
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    settings.PUBLIC_MAX_LIVE_DRAFTS = 2
    for i in range(2):
        Client(REMOTE_ADDR=f"10.1.0.{i}").post("/apply/postcode/", {"postcode": "WD6 1AA"})
    refused = Client(REMOTE_ADDR="10.1.0.9").post("/apply/postcode/", {"postcode": "WD6 1AA"})
    assert refused.status_code == 429
    DraftApplication.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    started = Client(REMOTE_ADDR="10.1.0.9").post("/apply/postcode/", {"postcode": "WD6 1AA"})
    assert started.status_code == 302
    draft = DraftApplication.objects.get()
    assert draft.data == {"postcode": {"postcode": "WD6 1AA"}}


def test_submissions_are_rate_limited_per_address(reference, settings):
    from django.test import Client

    settings.PUBLIC_SUBMIT_RATE = "2/h"
    settings.PUBLIC_DRAFTS_PER_IP_PER_HOUR = 100
    sent = 0
    for _ in range(4):
        client = Client()
        apply(client)
        if client.post("/apply/check/", {"website": ""}).status_code == 302:
            sent += 1
    assert sent == 2 and Case.objects.count() == 2


def test_a_draft_cannot_grow_without_bound(reference, client, settings):
    settings.PUBLIC_MAX_DRAFT_BYTES = 3000
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    client.post("/apply/problem/", {"summary": "x" * 2500})
    r = client.post("/apply/impact/", {"impact": "y" * 2500})
    assert r.status_code == 400
    assert "impact" not in DraftApplication.objects.get().data


def test_post_without_csrf_token_is_refused(reference):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post("/apply/postcode/", {"postcode": "WD6 1AA"}).status_code == 403
    assert not DraftApplication.objects.exists()


def test_a_start_writes_the_draft_once_and_purges_only_when_full(reference, settings):
    """The first answer is stored with the draft (one insert), the per-start checks read
    the same whatever the table holds, and expired drafts are left to the daily purge
    until the service is full (the test above: then they are purged at once)."""
    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    settings.PUBLIC_MAX_LIVE_DRAFTS = 100

    def start(address):
        with CaptureQueriesContext(connection) as queries:
            r = Client(REMOTE_ADDR=address).post("/apply/postcode/", {"postcode": "WD6 1AA"})
        assert r.status_code == 302
        return [q["sql"] for q in queries.captured_queries if "public_draftapplication" in q["sql"]]

    first = start("10.2.0.1")
    for i in range(30):
        Client(REMOTE_ADDR=f"10.2.1.{i}").post("/apply/postcode/", {"postcode": "WD6 1AA"})
    DraftApplication.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    later = start("10.2.0.2")
    assert len(first) == len(later)
    assert [q.split()[0] for q in later].count("INSERT") == 1
    assert not any(q.startswith(("UPDATE", "DELETE")) for q in later)
    assert DraftApplication.objects.count() == 32  # the expired ones wait for the purge
    assert DraftApplication.objects.latest("created_at").data == {
        "postcode": {"postcode": "WD6 1AA"}
    }
