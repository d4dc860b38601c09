"""Seal the rows written before the hash chain existed, in order, chain by chain.

Runs before the append-only triggers are created (audit 0002). A row's agency is the
actor's agency now (the best record there is of it at the time); its address is unknown.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from audit import chain

    TimelineEvent = apps.get_model("cases", "TimelineEvent")
    AccessLogEntry = apps.get_model("cases", "AccessLogEntry")
    User = apps.get_model("partnerships", "User")
    agency_of = dict(User.objects.values_list("pk", "agency_id"))

    last: dict = {}
    for row in TimelineEvent._base_manager.order_by("id").iterator():
        row.actor_agency_id = agency_of.get(row.actor_id)
        chain.seal_timeline(row, prev_hash=last.get(row.case_id, ""))
        last[row.case_id] = row.row_hash
        TimelineEvent._base_manager.filter(pk=row.pk).update(
            actor_agency_id=row.actor_agency_id,
            personal_hash=row.personal_hash,
            prev_hash=row.prev_hash,
            row_hash=row.row_hash,
        )

    last = {}
    for row in AccessLogEntry._base_manager.order_by("id").iterator():
        row.user_agency_id = agency_of.get(row.user_id)
        row.chain = chain.access_chain_key(case_id=row.case_id, area_id=row.area_id)
        chain.seal_access(row, prev_hash=last.get(row.chain, ""))
        last[row.chain] = row.row_hash
        AccessLogEntry._base_manager.filter(pk=row.pk).update(
            user_agency_id=row.user_agency_id,
            chain=row.chain,
            personal_hash=row.personal_hash,
            prev_hash=row.prev_hash,
            row_hash=row.row_hash,
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_audit_trail_fields_and_legal_hold")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
