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
"""

import base64
import pickle

from django.core.cache import caches
from django.core.cache.backends import db as db_cache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class DatabaseCache(db_cache.DatabaseCache):
    """Django's database cache with an atomic ``incr`` that keeps the entry's expiry."""

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
        return expires < now()


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
