"""Writing many rows at once: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere; and
finding many rows by id (``any_of``).

The deadline sweep writes tens of thousands of outbox and timeline rows a run;
``bulk_create`` spends about 50 µs of Python a row building model instances and
preparing each value. On PostgreSQL ``insert_rows`` sends plain rows through one
``COPY ... FROM STDIN`` (psycopg's copy, values adapted by type), which passes through
Django's execute wrappers and query log like any statement, so query counts stay honest.
"""

import ipaddress
import json
from functools import partial
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, models, transaction
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import F
from django.db.models.lookups import In
from django.utils import timezone

_REQUIRED = object()


# Column types ``COPY ... (FORMAT BINARY)`` is given values for, by the database type
# Django declares (``varchar(n)`` as ``varchar``): psycopg's binary dumpers then send each
# value as it is, where text COPY escapes every tab, newline and backslash of every
# message body. A model with any other column type is copied as text.
_BINARY_TYPES = {
    "integer": "int4",
    "bigint": "int8",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "text": "text",
    "varchar": "varchar",
    "jsonb": "jsonb",
    "inet": "inet",
}


def _binary_type(field) -> str | None:
    declared = field.db_type(connection) or ""
    return _BINARY_TYPES.get(declared.split("(")[0].strip())


def _copy_values(model, rows: list[dict]):
    """(columns, binary type names or None, value tuples) for ``rows``: fields a row
    leaves out take their default (``auto_now`` / ``auto_now_add`` fields: now), as
    ``Model.save`` would give them.

    Each row is laid over the defaults and read in column order by one ``itemgetter``
    (tens of thousands of rows a sweep: a Python call per value cost more than the COPY).
    """
    now = timezone.now()
    columns, attnames, defaults, types, wrap_at = [], [], {}, [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and not any(field.attname in row for row in rows):
            continue
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
            wrap_at.append((len(columns), lambda value, d=dumps: Jsonb(value, d)))
        elif isinstance(field, models.GenericIPAddressField):
            wrap_at.append((len(columns), _address))
        columns.append(field.column)
        attnames.append(field.attname)
        defaults[field.attname] = fallback
        types.append(_binary_type(field))
    # A default that is a mutable value (``dict``) is one object shared by the rows that
    # leave it out; the JSON columns are dumped, never changed, so that is safe.
    read = itemgetter(*attnames)
    values = [read({**defaults, **row}) for row in rows]
    if len(attnames) == 1:
        values = [(value,) for value in values]
    if wrap_at:
        for index, value in enumerate(values):
            value = list(value)
            for at, wrap in wrap_at:
                value[at] = wrap(value[at])
            values[index] = tuple(value)
    for column, value in zip(columns, values[0], strict=True):
        if value is _REQUIRED:
            raise KeyError(f"{model.__name__} rows need a value for {column}")
    return columns, (None if None in types else types), values


def _address(value):
    """An address for an ``inet`` column, as the binary dumper takes it."""
    if value is None or value == "":
        return None
    return ipaddress.ip_address(str(value))


def _copy(model, rows: list[dict]) -> None:
    columns, types, values = _copy_values(model, rows)
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    if types is not None:
        sql += " (FORMAT BINARY)"
    with connection.cursor() as cursor:

        def copy(sql, params, many, context):
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as stream:
                if types is not None:
                    stream.set_types(types)
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
