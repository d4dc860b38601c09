"""``flush`` through the erasure path: the append-only triggers refuse a plain flush.

Django's flush empties every table (TRUNCATE on PostgreSQL, DELETE FROM on SQLite);
the test runner calls it after each transactional test. Here it runs inside
``audit.erasure.permitted`` so the triggers let it through, and only where
``AUDIT_ALLOW_FLUSH`` is set (the test and local settings): in production the audit
trail cannot be wiped with one command.
"""

from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from audit import erasure
from audit.triggers import PERMIT_TABLE


class Command(flush.Command):
    help = flush.Command.help + " Runs through the logged erasure path; refused in production."

    def handle(self, **options):
        if not getattr(settings, "AUDIT_ALLOW_FLUSH", False):
            raise CommandError(
                "The audit trail is append-only: flush is allowed only where "
                "AUDIT_ALLOW_FLUSH is set (tests, local development)."
            )
        database = options.get("database", DEFAULT_DB_ALIAS)
        connection = connections[database]
        if PERMIT_TABLE not in connection.introspection.table_names():
            return super().handle(**options)
        # On SQLite each table is emptied by its own DELETE: the permit must go last.
        original = connection.ops.sql_flush

        def permit_last(style, tables, **kwargs):
            ordered = sorted(tables, key=lambda t: t in (PERMIT_TABLE, "audit_erasurelog"))
            statements = original(style, ordered, **kwargs)
            if connection.vendor == "sqlite":
                statements.sort(key=lambda s: PERMIT_TABLE in s)
            return statements

        connection.ops.sql_flush = permit_last
        try:
            with erasure.permitted(reason="flush: every table emptied", using=database):
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses a table with pending deferred FK checks (the
                    # permit row's): run them now.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                super().handle(**options)
        finally:
            del connection.ops.sql_flush
