"""Writing many rows at once: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere; and
finding many rows by id (``any_of``).

The deadline sweep writes tens of thousands of outbox and timeline rows a run;
``bulk_create`` spends about 50 µs of Python a row building model instances and
preparing each value. On PostgreSQL ``insert_rows`` sends plain rows through one
``COPY ... FROM STDIN`` (psycopg's copy, values adapted by type), which passes through
Django's execute wrappers and query log like any statement, so query counts stay honest.
"""

import json
from functools import partial

from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import F
from django.db.models.lookups import In
from django.utils import timezone

_REQUIRED = object()


def _copy_values(model, rows: list[dict]):
    """(columns, value tuples) for ``rows``: fields a row leaves out take their default
    (``auto_now`` / ``auto_now_add`` fields: now), as ``Model.save`` would give them."""
    now = timezone.now()
    columns, getters = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and not any(field.attname in row for row in rows):
            continue
        columns.append(field.column)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fallback = now
        elif field.has_default():
            fallback = field.get_default()
        elif field.null:
            fallback = None
        elif field.empty_strings_allowed and not field.primary_key:
            fallback = ""
        else:
            fallback = _REQUIRED
        if isinstance(field, models.JSONField):
            from psycopg.types.json import Jsonb

            dumps = partial(json.dumps, cls=field.encoder)
            getters.append(
                lambda row, a=field.attname, f=fallback, d=dumps: Jsonb(row.get(a, f), d)
            )
        else:
            getters.append(lambda row, a=field.attname, f=fallback: row.get(a, f))
    values = [tuple(get(row) for get in getters) for row in rows]
    for column, value in zip(columns, values[0], strict=True):
        if value is _REQUIRED:
            raise KeyError(f"{model.__name__} rows need a value for {column}")
    return columns, values


def _copy(model, rows: list[dict]) -> None:
    columns, values = _copy_values(model, rows)
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with connection.cursor() as cursor:

        def copy(sql, params, many, context):
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as stream:
                for value in values:
                    stream.write_row(value)

        if isinstance(cursor, CursorDebugWrapper):
            with cursor.debug_sql(sql, None, use_last_executed_query=False):
                cursor._execute_with_wrappers(sql, None, False, executor=copy)
        else:
            cursor._execute_with_wrappers(sql, None, False, executor=copy)


def insert_rows(model, rows: list[dict], *, ignore_conflicts: bool = False) -> None:
    """Insert ``rows`` (each a dict of field attname -> value, as the model would take
    them: ``case_id``, not ``case``) in one statement on PostgreSQL.

    With ``ignore_conflicts`` a row that breaks a unique constraint is skipped, as
    ``bulk_create(ignore_conflicts=True)`` skips it: the ``COPY`` runs in a savepoint and,
    should any row conflict, the whole batch is written again by ``bulk_create``.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**row) for row in rows], batch_size=500, ignore_conflicts=ignore_conflicts
        )
        return
    if not ignore_conflicts:
        _copy(model, rows)
        return
    try:
        with transaction.atomic():
            _copy(model, rows)
    except IntegrityError:
        model.objects.bulk_create(
            [model(**row) for row in rows], batch_size=500, ignore_conflicts=True
        )


class _AnyOf(In):
    """``IN``, written on PostgreSQL as ``= ANY(%s)`` with the values as one array."""

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        array = [field.get_db_prep_value(value, connection, prepared=True) for value in values]
        return f"{lhs} = ANY(%s)", (*lhs_params, array)


def any_of(field: str, values) -> _AnyOf:
    """A filter for ``field`` being one of ``values`` (``filter(any_of("pk", ids))``), as
    ``field__in`` gives it, for lists of thousands: on PostgreSQL the values go as one
    array parameter, not one placeholder each, which Django builds and psycopg parses
    again for every query (about 5 ms of CPU for 2,000 ids). Elsewhere, ``IN``.
    """
    return _AnyOf(F(field), list(values))
