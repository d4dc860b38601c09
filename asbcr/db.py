"""Reads for reports from a PostgreSQL read replica, when there is one.

``DATABASE_REPLICA_URL`` adds a ``replica`` database (settings). Reads made inside
``replica_reads()`` go to it; every other read and every write go to the primary. With
no replica configured the router sends everything to the primary (docs/deployment.md).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


@contextmanager
def replica_reads():
    """Inside this block, reads may come from the replica (seconds behind the primary)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_replica.get() and REPLICA in connections.databases:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
