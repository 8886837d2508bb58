"""Single-row INSERT and UPDATE for the hottest writes inside write transactions, with the SQL built once.

`Model.save()` compiles its statement anew each time (query object, compiler, quoting, converters): about
0.2-0.3 ms of Python per row here, several times what SQLite takes to run it. The one-network workflow writes
two such rows per step (timeline event, audit event) plus the state UPDATE, all while it holds the database's
one write lock (SQLite) or the audit head's row lock (PostgreSQL), so that Python is what limits how many cases
per second go through (docs/onenetwork.md).

Values still go through each field's own `pre_save` (auto_now) and `get_db_prep_save` (dates, decimals, JSON
adapted for the connection's database), so what is stored is what `save()` would store. Not for models with
save() overrides that matter, multi-table inheritance or signal receivers: `save()` signals are not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connections, models, router


def _column(field: Any) -> str:
    column = field.column
    assert isinstance(column, str)  # noqa: S101 - concrete fields have a column
    return column


@lru_cache(maxsize=128)
def _insert_sql(
    model: type[models.Model], alias: str, returning: bool
) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated)
    columns = ", ".join(quote(_column(f)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only names from the model's metadata are interpolated; every value is a parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(_column(meta.pk))}"
    return sql, fields


@lru_cache(maxsize=256)
def _update_sql(
    model: type[models.Model], alias: str, names: tuple[str, ...]
) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    assignments = ", ".join(f"{quote(_column(f))} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(_column(meta.pk))} = %s"  # noqa: S608
    return sql, fields  # type: ignore[return-value]


def row_insert(instance: models.Model) -> None:
    """INSERT `instance` as one new row and set its primary key, as `save()` would for a new object."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    returning = connection.features.can_return_columns_from_insert
    sql, fields = _insert_sql(model, alias, returning)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pk = cursor.fetchone()[0] if returning else connection.ops.last_insert_id(cursor, model._meta.db_table, "id")
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = alias


def row_update(instance: models.Model, fields: Sequence[str]) -> None:
    """UPDATE the named fields of `instance`'s row, as `save(update_fields=fields)` would (auto_now included)."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    sql, columns = _update_sql(model, alias, tuple(dict.fromkeys(fields)))
    params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])
