"""Per-address limits count the client's address, not our proxy's, in a shared cache."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

from asbcr import cache as asbcr_cache
from public.models import DraftApplication

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ROOT = Path(__file__).resolve().parents[2]


def _browser(forwarded: str, *, remote=PROXY) -> Client:
    return Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def _posts(client, n):
    return [client.post("/apply/postcode/", {"postcode": ""}).status_code for _ in range(n)]


def test_two_visitors_behind_one_proxy_get_separate_limits(settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_POST_RATE = "3/h"
    first, second = _browser("198.51.100.1"), _browser("198.51.100.2")
    assert _posts(first, 4) == [400, 400, 400, 429]
    assert _posts(second, 3) == [400, 400, 400]


def test_a_forged_header_is_ignored_when_no_proxy_is_trusted(settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 0
    settings.PUBLIC_POST_RATE = "3/h"
    # One machine, reached directly, pretending to be a new visitor each time.
    statuses = [
        _browser(f"198.51.100.{i}", remote="203.0.113.5")
        .post("/apply/postcode/", {"postcode": ""})
        .status_code
        for i in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


def test_a_forged_entry_before_our_proxys_does_not_buy_a_new_limit(settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_POST_RATE = "2/h"
    statuses = [
        _browser(f"192.0.2.{i}, 198.51.100.9")
        .post("/apply/postcode/", {"postcode": ""})
        .status_code
        for i in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_drafts_are_counted_per_visitor_behind_the_proxy(reference, settings):
    settings.ASBCR_TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_DRAFTS_PER_IP_PER_HOUR = 2
    for visitor in ("198.51.100.1", "198.51.100.2"):
        for _ in range(3):
            _browser(visitor).post("/apply/postcode/", {"postcode": "WD6 1AA"})
    assert DraftApplication.objects.count() == 4
    assert DraftApplication.objects.values("ip_hash").distinct().count() == 2


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "asbcr.cache.DatabaseCache", "LOCATION": "test_rate_cache"}
    }
    asbcr_cache.create_cache_tables(sender=None, using="default", verbosity=0)
    yield caches["default"]
    caches["default"].clear()


def test_migrate_creates_the_database_cache_table(database_cache):
    assert "test_rate_cache" in connection.introspection.table_names()


def test_the_database_cache_counts_and_keeps_the_expiry(database_cache, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    assert database_cache.add("k", 1, 3600)
    assert [database_cache.incr("k") for _ in range(3)] == [2, 3, 4]
    time_machine.move_to("2026-03-02 10:59:00+00:00", tick=False)
    assert database_cache.get("k") == 4  # Django's incr would have reset it to 5 minutes
    time_machine.move_to("2026-03-02 11:01:00+00:00", tick=False)
    with pytest.raises(ValueError):
        database_cache.incr("k")


def test_the_database_cache_adds_a_counter_in_one_statement(
    database_cache, django_assert_num_queries
):
    """A visitor's first post starts their counter with one write (an upsert), not a
    count of the whole table, a delete and a transaction of its own each time."""
    assert database_cache.add("first", 1, 3600)  # the size check: at most once a minute
    with django_assert_num_queries(1):
        assert database_cache.add("k", 1, 3600)
    with django_assert_num_queries(1):
        assert not database_cache.add("k", 5, 3600)
    assert database_cache.get("k") == 1


def test_the_database_cache_adds_over_an_expired_entry_only(database_cache, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    assert database_cache.add("k", 1, 60)
    assert database_cache.incr("k") == 2
    time_machine.move_to("2026-03-02 10:00:59+00:00", tick=False)
    assert not database_cache.add("k", 1, 60)
    assert database_cache.get("k") == 2
    time_machine.move_to("2026-03-02 10:01:01+00:00", tick=False)
    assert database_cache.add("k", 1, 60)
    assert [database_cache.incr("k") for _ in range(2)] == [2, 3]
    time_machine.move_to("2026-03-02 10:02:00+00:00", tick=False)
    assert database_cache.get("k") == 3  # the new entry's own expiry, a minute on
    time_machine.move_to("2026-03-02 10:02:02+00:00", tick=False)
    assert database_cache.get("k") is None


def test_the_limits_count_in_the_database_cache(database_cache, settings):
    settings.PUBLIC_POST_RATE = "2/h"
    assert _posts(_browser("198.51.100.1", remote="203.0.113.5"), 3) == [400, 400, 429]


def _production_caches(**env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "asbcr.settings.production",
            "SECRET_KEY": "x",
            "ALLOWED_HOSTS": "example.org",
            "ASBCR_VAR_DIR": str(ROOT / "var"),
            **env,
        },
    )


def test_production_without_cache_url_counts_in_the_database():
    assert _production_caches().stdout.strip() == "asbcr.cache.DatabaseCache"
    assert _production_caches(CACHE_URL="dbcache://t").stdout.strip() == (
        "asbcr.cache.DatabaseCache"
    )


@pytest.mark.parametrize("url", ["locmemcache://", "dummycache://"])
def test_production_refuses_a_per_process_cache(url):
    result = _production_caches(CACHE_URL=url)
    assert result.returncode != 0
    assert "rate limits would not hold across web processes" in result.stderr


# -- what a refused visitor sees ---------------------------------------------------


def test_a_refused_page_keeps_what_was_typed_on_it(reference, client, settings):
    settings.DEBUG = False
    settings.PUBLIC_POST_RATE = "2/h"
    client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    client.post("/apply/case-review/")
    client.post("/apply/who/", {"applicant_type": "victim"})  # the second limited post
    typed = "Loud music every night & shouting <until> 3am"
    response = client.post("/apply/problem/", {"summary": typed})
    page = response.content.decode()
    assert response.status_code == 429
    assert "this page was not sent" in page and "What you typed is still below" in page
    assert "Loud music every night &amp; shouting &lt;until&gt; 3am" in page  # in the textarea
    assert "have not been lost" not in page
    assert "problem" not in DraftApplication.objects.get().data  # nothing was saved


def test_a_refused_postcode_is_kept(reference, client, settings):
    settings.PUBLIC_POST_RATE = "1/h"
    client.post("/apply/postcode/", {"postcode": "nonsense"})
    response = client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    assert response.status_code == 429
    assert 'value="WD6 1AA"' in response.content.decode()
    assert not DraftApplication.objects.exists()


def test_too_many_drafts_keeps_the_postcode_too(reference, client, settings):
    settings.PUBLIC_DRAFTS_PER_IP_PER_HOUR = 0
    response = client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    assert response.status_code == 429
    assert 'value="WD6 1AA"' in response.content.decode()


def test_a_refused_submission_uses_the_429_page_and_says_the_answers_are_saved(
    reference, client, settings
):
    from tests.public.helpers import apply

    settings.DEBUG = False
    settings.PUBLIC_SUBMIT_RATE = "0/h"
    apply(client)
    response = client.post("/apply/check/", {"website": ""})
    page = response.content.decode()
    assert response.status_code == 429
    assert "too many requests from your connection" in page
    assert "Your answers so far have been saved." in page
    assert 'href="/apply/check/">Check your answers' in page
    assert "app-language-switcher" in page  # the public layout


def _small_database_cache(settings, *, max_entries: int) -> None:
    """The product's database cache, with room for only ``max_entries`` keys."""
    settings.CACHES = {
        "default": {
            "BACKEND": "asbcr.cache.DatabaseCache",
            "LOCATION": "test_rate_cache",
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
    }
    asbcr_cache.create_cache_tables(sender=None, using="default", verbosity=0)


def test_a_full_cache_table_never_forgets_a_live_count(settings):
    """Django's database cache, past MAX_ENTRIES keys (300 by default), deletes a third of
    them, live or not, on the next new key: a visitor's count would start again from
    nothing while more than 300 addresses had posted within the hour. Ours deletes only
    the expired entries."""
    _small_database_cache(settings, max_entries=5)
    settings.ASBCR_TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_POST_RATE = "2/h"
    try:
        limited = _browser("198.51.100.1")
        assert _posts(limited, 2) == [400, 400]
        for i in range(20):
            _posts(_browser(f"198.51.101.{i}"), 1)
        assert _posts(limited, 1) == [429]
    finally:
        caches["default"].clear()


def test_the_database_cache_deletes_expired_entries_past_its_size(settings, time_machine):
    _small_database_cache(settings, max_entries=3)
    cache = caches["default"]
    try:
        time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
        for key in "abcd":
            cache.add(key, 1, 60)
        time_machine.move_to("2026-03-02 10:05:00+00:00", tick=False)
        cache.add("e", 1, 60)
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM test_rate_cache")
            assert [k.split(":")[-1] for (k,) in cursor.fetchall()] == ["e"]
    finally:
        cache.clear()
