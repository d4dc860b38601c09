"""Advisory locks: work that must not run twice at once, without a row to lock.

On PostgreSQL ``advisory_lock("detection:review:3")`` takes a transaction-level advisory
lock on a 64-bit hash of the name, waiting for a concurrent holder; it is released at
commit or rollback. SQLite serialises writers already (one write transaction at a
time), so there it only opens the transaction.
"""

import hashlib
from contextlib import contextmanager

from django.db import connection, transaction


def _key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


@contextmanager
def advisory_lock(name: str):
    """Hold the named lock for the length of a transaction (opened here)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_key(name)])
        yield
