"""Make the timeline, access log, sent letters, procedure versions and the erasure log
append-only in the database itself (see audit.triggers). Vendor-aware."""

from django.db import migrations


def install(apps, schema_editor):
    from audit import triggers

    with schema_editor.connection.cursor() as cursor:
        for statement in triggers.install_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


def uninstall(apps, schema_editor):
    from audit import triggers

    with schema_editor.connection.cursor() as cursor:
        for statement in triggers.uninstall_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_erasure_permit_and_log"),
        ("cases", "0007_backfill_audit_hashes"),
        ("letters", "0005_letter_erased_at"),
        ("partnerships", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
