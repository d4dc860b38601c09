"""The timeline's lone ``case_id`` index goes: ``cases_timeline_chain`` (case, id) leads
with the same column and serves every read by case, so the lone index was only written.

Django's own ``AlterField`` would drop the foreign key and add it again, checking every
timeline row under a lock; only the index is dropped here (its name is Django's, the same
on every database).
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "cases_timelineevent_case_id_1bfb12ab"


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_incident_victim_log_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="timelineevent",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="timeline",
                        to="cases.case",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "cases_timelineevent" ("case_id")',
                ),
            ],
        ),
    ]
