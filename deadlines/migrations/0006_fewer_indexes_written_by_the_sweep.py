"""Fewer indexes for the sweep to write: each deadline it marks breached writes every
index on the deadlines table again, and each message it queues every index on the
outbox (bench/README.md, "Deadline sweep").

Dropped, as nothing reads them: the deadline's own index on ``subject_type``, which
``(subject_type, subject_id)`` leads with; and on PostgreSQL the ``varchar_pattern_ops``
copies Django adds beside a unique or indexed ``CharField`` for ``LIKE 'prefix%'``
(nothing filters a deadline's or message's key, or a message's state, by prefix; the
admin's search is ``icontains``, which they cannot serve). The btree indexes on those
columns stay.
"""

import django.db.models.deletion
from django.db import migrations, models

PATTERN_INDEXES = [
    ("deadlines_deadline", "key"),
    ("deadlines_notification", "key"),
    ("deadlines_notification", "state"),
]


def _pattern_index(schema_editor, table: str, column: str) -> str:
    return schema_editor._create_index_name(table, [column], suffix="_like")


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in PATTERN_INDEXES:
        name = schema_editor.quote_name(_pattern_index(schema_editor, table, column))
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, column in PATTERN_INDEXES:
        name = quote(_pattern_index(schema_editor, table, column))
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {quote(table)} "
            f"({quote(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("deadlines", "0005_drop_lone_state_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deadline",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(drop_pattern_indexes, create_pattern_indexes),
    ]
