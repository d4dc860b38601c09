"""Reports read from the replica when there is one; writes and other reads never do."""

from django.db import connections

from asbcr.db import REPLICA, ReplicaRouter, replica_reads
from cases.models import Case


def test_without_a_replica_everything_reads_the_primary():
    router = ReplicaRouter()
    assert REPLICA not in connections.databases
    with replica_reads():
        assert router.db_for_read(Case) is None
    assert router.db_for_write(Case) == "default"


def test_with_a_replica_only_reads_inside_the_block_go_to_it(monkeypatch):
    monkeypatch.setitem(connections.databases, REPLICA, dict(connections.databases["default"]))
    router = ReplicaRouter()
    assert router.db_for_read(Case) is None
    with replica_reads():
        assert router.db_for_read(Case) == REPLICA
        assert router.db_for_write(Case) == "default"
    assert router.db_for_read(Case) is None
    assert router.allow_migrate(REPLICA, "cases") is False
