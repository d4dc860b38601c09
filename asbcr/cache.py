"""A database cache that rate limits can count in, and the table it needs.

Production counts the public form's rate limits in a cache every web process shares.
With no ``CACHE_URL`` that cache is a table in the service's own database (see
``asbcr/settings/production.py``). Django's ``DatabaseCache`` increments by reading and
then writing the value, so two workers could both read 4 and both write 5, and its
``incr`` also resets the entry's expiry (an hourly limit would forget a client who
paused for five minutes), and past ``MAX_ENTRIES`` keys (300 by default) it deletes a
third of them, live or not, so a visitor's count would start again while more than 300
addresses had posted within the hour. ``DatabaseCache`` here increments under a row lock,
keeps the expiry and deletes only expired entries, so a limit holds across workers.

A visitor's first counted post ``add``s their counter: Django's counts the whole table,
may delete, then reads and inserts in a transaction of its own. Here that is one
statement (an upsert that replaces only an expired entry), and the table's size is
checked at most once a minute in each process.
"""

import base64
import pickle
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import db as db_cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils import timezone


class DatabaseCache(db_cache.DatabaseCache):
    """Django's database cache with an atomic ``add`` and ``incr`` that keeps the entry's
    expiry."""

    # How often (seconds) one process checks whether the table is past MAX_ENTRIES.
    SIZE_CHECK_SECONDS = 60
    _size_checked_at = None

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        cache_key, value_column, expires = (
            quote_name("cache_key"),
            quote_name("value"),
            quote_name("expires"),
        )
        now = timezone.now().replace(microsecond=0)
        if timeout is None:
            exp = datetime.max
        else:
            exp = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        exp = exp.replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            self._check_size(db, cursor, now)
            # One statement: a new key is inserted, an expired entry replaced, a live
            # one left alone (and then nothing changed: rowcount 0).
            cursor.execute(
                f"INSERT INTO {table} ({cache_key}, {value_column}, {expires}) "
                f"VALUES (%s, %s, %s) ON CONFLICT ({cache_key}) DO UPDATE SET "
                f"{value_column} = excluded.{value_column}, {expires} = excluded.{expires} "
                f"WHERE {table}.{expires} < %s",
                [
                    key,
                    encoded,
                    connection.ops.adapt_datetimefield_value(exp),
                    connection.ops.adapt_datetimefield_value(now),
                ],
            )
            return cursor.rowcount == 1

    def _check_size(self, db, cursor, now) -> None:
        """Past MAX_ENTRIES, delete the expired entries (``_cull``); checked at most every
        SIZE_CHECK_SECONDS in a process, as a count reads the whole table."""
        checked, clock = self._size_checked_at, time.time()
        if checked is not None and 0 <= clock - checked < self.SIZE_CHECK_SECONDS:
            return
        self._size_checked_at = clock
        cursor.execute(f"SELECT COUNT(*) FROM {connections[db].ops.quote_name(self._table)}")
        num = cursor.fetchone()[0]
        if num > self._max_entries:
            self._cull(db, cursor, now, num)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table, cache_key, value_column = (
            quote_name(self._table),
            quote_name("cache_key"),
            quote_name("value"),
        )
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # On SQLite the transaction itself is the lock: the settings open every
        # transaction IMMEDIATE, which takes the database's write lock at the start.
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {value_column}, {quote_name('expires')} FROM {table} "
                f"WHERE {cache_key} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {value_column} = %s WHERE {cache_key} = %s", [encoded, key]
            )
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)

    def _cull(self, db, cursor, now, num):
        """Past MAX_ENTRIES, delete the expired entries only. Every entry here is a
        counter with the limit's own period as its expiry, so the table stays as small
        as the limits allow; deleting live ones would reset those visitors' limits."""
        connection = connections[db]
        quote_name = connection.ops.quote_name
        cursor.execute(
            f"DELETE FROM {quote_name(self._table)} WHERE {quote_name('expires')} < %s",
            [connection.ops.adapt_datetimefield_value(now)],
        )

    @staticmethod
    def _expired(connection, expires) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < timezone.now()


def uses_database_cache() -> bool:
    return any(isinstance(caches[alias], db_cache.BaseDatabaseCache) for alias in caches.settings)


def create_cache_tables(sender, using, verbosity=1, **kwargs):
    """After ``migrate``: create the database cache's table if a cache uses one.

    ``createcachetable`` is not a migration, so without this a fresh deployment would
    start with rate limits that fail on a missing table. It does nothing when the table
    exists or when no cache is a database cache.
    """
    if uses_database_cache():
        call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
