"""Database triggers that make the audit tables append-only, on PostgreSQL and SQLite.

UPDATE, DELETE (and on PostgreSQL TRUNCATE) of a protected table is refused unless an
``audit_erasurepermit`` row exists, which only ``audit.erasure.permitted`` writes, inside
its own transaction. The refusal is an integrity error on both databases.

SQLite has no TRUNCATE; its ``DELETE FROM t`` without WHERE skips the row-by-row
"truncate optimisation" whenever the table has triggers, so the DELETE trigger fires.
"""

AUDIT_TABLES = (
    "cases_timelineevent",
    "cases_accesslogentry",
    "letters_letter",
    "partnerships_procedureversion",
    "audit_erasurelog",
)
"""Made append-only by audit 0002 (its migration installs exactly these)."""

REPORTING_TABLES = ("reporting_publication", "reporting_datareturn")
"""Published figures and data returns, made append-only by a reporting migration."""

PROTECTED_TABLES = AUDIT_TABLES + REPORTING_TABLES
PERMIT_TABLE = "audit_erasurepermit"
MESSAGE = "append-only: rows of this table cannot be changed or removed"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {PERMIT_TABLE}) THEN
        IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' THEN
            RETURN OLD;
        ELSIF TG_LEVEL = 'ROW' THEN
            RETURN NEW;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""


def _pg_statements(table: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS audit_append_only_rows ON "{table}";',
        f'DROP TRIGGER IF EXISTS audit_append_only_truncate ON "{table}";',
        f'CREATE TRIGGER audit_append_only_rows BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
        f'CREATE TRIGGER audit_append_only_truncate BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
    ]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER IF NOT EXISTS "audit_no_{op.lower()}_{table}" BEFORE {op} ON "{table}" '
        f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({op} on {table})'); END;"
        for op in ("UPDATE", "DELETE")
    ]


def install_sql(vendor: str, tables=AUDIT_TABLES) -> list[str]:
    """The statements that protect ``tables`` (by default those of audit 0002, so that
    migration does the same whatever tables later migrations add)."""
    if vendor == "postgresql":
        return [PG_FUNCTION] + [s for t in tables for s in _pg_statements(t)]
    if vendor == "sqlite":
        return [s for t in tables for s in _sqlite_statements(t)]
    raise NotImplementedError(f"No append-only triggers for the {vendor} database.")


def uninstall_sql(vendor: str, tables=AUDIT_TABLES, *, drop_function: bool = True) -> list[str]:
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS {name} ON "{t}";'
            for t in tables
            for name in ("audit_append_only_rows", "audit_append_only_truncate")
        ] + (["DROP FUNCTION IF EXISTS audit_refuse_change();"] if drop_function else [])
    return [
        f'DROP TRIGGER IF EXISTS "audit_no_{op.lower()}_{t}";'
        for t in tables
        for op in ("UPDATE", "DELETE")
    ]


def install(connection) -> None:
    """Create (or re-create) the trigger of every protected table that exists yet; safe
    to run any number of times."""
    existing = set(connection.introspection.table_names())
    if PERMIT_TABLE not in existing:
        return
    tables = [t for t in PROTECTED_TABLES if t in existing]
    if not tables:
        return
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor, tables):
            cursor.execute(statement)


def installed(connection) -> set[str]:
    """The protected tables that have their triggers now (for the checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'audit_append_only_rows'"
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'audit_no_delete_%'"
            )
        return {row[0] for row in cursor.fetchall()} & set(PROTECTED_TABLES)


def reinstall_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    connection = connections[using]
    if connection.vendor in ("postgresql", "sqlite"):
        install(connection)
