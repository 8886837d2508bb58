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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)


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


def row_insert_statement(instance: models.Model) -> tuple[str, list[Any], bool]:
    """The INSERT of `instance` (with RETURNING its key where the database can), its parameters, and whether it
    returns the key: for a caller that runs it inside a larger statement (audit: a CTE on PostgreSQL)."""
    alias = router.db_for_write(type(instance), instance=instance)
    return _insert_statement(instance, alias)


def _insert_statement(instance: models.Model, alias: str) -> tuple[str, list[Any], bool]:
    connection = connections[alias]
    returning = connection.features.can_return_columns_from_insert
    sql, fields = _insert_sql(type(instance), alias, returning)
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields], returning


def row_inserted(instance: models.Model, pk: Any, alias: str | None = None) -> None:
    """Mark `instance` as saved with key `pk` (in database `alias`, the write database by default), as `save()`
    leaves a new object."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = alias or router.db_for_write(type(instance), instance=instance)


def row_insert(instance: models.Model) -> None:
    """INSERT `instance` as one new row and set its primary key, as `save()` would for a new object."""
    alias = router.db_for_write(type(instance), instance=instance)
    sql, params, returning = _insert_statement(instance, alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, instance._meta.db_table, _column(instance._meta.pk))
    row_inserted(instance, pk, alias)


def row_update(instance: models.Model, fields: Sequence[str]) -> None:
    """UPDATE the named fields of `instance`'s row, as `save(update_fields=fields)` would (auto_now included)."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    sql, columns = _update_sql(model, alias, tuple(dict.fromkeys(fields)))
    params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])


@dataclass(frozen=True)
class _LockQuery:
    """`select_for_update(of=self).select_related(*related).filter(pk=…)` compiled once: its SQL (the key is the
    one parameter), its compiler (for the columns' converters), where the model's own columns are in a row and
    the populators of its related objects: what ModelIterable works out anew for every query."""

    sql: str
    compiler: Any
    start: int
    end: int
    names: list[str]
    populators: list[Any]


@lru_cache(maxsize=64)
def _lock_query(model: type[models.Model], alias: str, related: tuple[str, ...]) -> _LockQuery:
    from django.db.models.query import get_related_populators

    queryset = model._default_manager.using(alias).select_for_update(of=("self",)).select_related(*related)
    compiler = queryset.filter(pk=0).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if list(params) != [0]:
        raise ValueError(f"cannot build a one-parameter lock query for {model.__name__} with {related}")
    klass_info, select = compiler.klass_info, compiler.select
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _LockQuery(
        sql=sql,
        compiler=compiler,
        start=start,
        end=end,
        names=[column[0].target.attname for column in select[start:end]],
        # Django 5.2's signature (the stubs already describe 6.0's, which adds a fetch mode). The populators only
        # read what they were built with, so one set serves every row.
        populators=get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
    )


def row_lock(model: type[M], pk: Any, *, related: Sequence[str] = ()) -> M:
    """`model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)` with the SQL built once:
    the row re-read and locked until the transaction ends (PostgreSQL; SQLite's write transaction holds the
    whole database already). Raises `model.DoesNotExist` like get()."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.get_autocommit():
        # As select_for_update() refuses: outside a transaction the lock would end with the statement.
        raise TransactionManagementError("row_lock cannot be used outside of a transaction.")
    query = _lock_query(model, alias, tuple(related))
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [pk])
        rows = cursor.fetchall()
    if not rows:
        raise model.DoesNotExist(f"{model.__name__} {pk} does not exist")  # type: ignore[attr-defined]
    # What ModelIterable does with a compiled query's rows: converters, then the model and its related objects.
    row = next(iter(query.compiler.results_iter([rows])))
    instance = model.from_db(alias, query.names, row[query.start : query.end])
    for populator in query.populators:
        populator.populate(row, instance)
    return instance
