"""Indexes for case search (cases/search.py) on PostgreSQL; nothing on SQLite.

pg_trgm serves substring and similarity matches on names and addresses (Django's
``icontains`` is ``UPPER(column) LIKE UPPER('%words%')``, hence the UPPER expression);
GIN indexes over ``to_tsvector('english', ...)`` serve full-text search in incident
descriptions and notes, written exactly as cases.search writes the match.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    (
        "cases_person_name_trgm",
        "cases_person USING gin ((UPPER(name::text)) gin_trgm_ops)",
    ),
    (
        "cases_person_name_word_trgm",
        "cases_person USING gin (name gin_trgm_ops)",
    ),
    (
        "cases_person_postcode_compact",
        "cases_person ((REPLACE(UPPER(postcode::text), ' ', '')) text_pattern_ops)",
    ),
    (
        "cases_person_address_trgm",
        "cases_person USING gin ((UPPER(address)) gin_trgm_ops)",
    ),
    (
        "cases_perpetrator_name_trgm",
        "cases_perpetrator USING gin ((UPPER(name::text)) gin_trgm_ops)",
    ),
    (
        "cases_case_reference_trgm",
        "cases_case USING gin ((UPPER(reference::text)) gin_trgm_ops)",
    ),
    (
        # The case list's next-deadline column, and its sort: a case's earliest live
        # deadline is the first entry of this index for the case.
        "deadlines_deadline_live_due",
        "deadlines_deadline (case_id, due) WHERE state IN ('open', 'breached')",
    ),
    (
        "cases_incident_description_fts",
        "cases_incident USING gin (to_tsvector('english'::regconfig, description))",
    ),
    (
        "cases_timelineevent_note_fts",
        "cases_timelineevent USING gin (to_tsvector('english'::regconfig, reason))"
        " WHERE kind IN ('note', 'contact_attempt')",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_incident_postcode_building_uprn"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
