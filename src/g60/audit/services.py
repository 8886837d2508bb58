"""Appending to the audit log. Every service that changes state calls `audit_record` inside its transaction,
so the event is committed with the change or not at all."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from g60.audit.chain import stored_event_hash
from g60.audit.models import AuditEvent, AuditHead
from g60.core.request_context import current_request_id
from g60.core.rows import row_insert, row_inserted, rows_insert_statement


class AuditOutsideTransaction(RuntimeError):
    """An audit event must be written in the same transaction as the change it records."""


def _plain(value: Any) -> Any:
    """Dates, decimals and UUIDs as the JSON the column will give back, so the hash is computed on that."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _head_sql() -> tuple[str, str]:
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Only the table name from the model's metadata is interpolated; values are parameters.
    return (
        f"SELECT last_seq, last_hash FROM {table} WHERE id = 1{lock}",  # noqa: S608
        f"UPDATE {table} SET last_seq = %s, last_hash = %s WHERE id = 1",  # noqa: S608
    )


def _lock_head() -> tuple[int, str]:
    """The chain's head (last sequence number, last hash), its row locked until the transaction ends.
    The head row serialises appenders on PostgreSQL (row lock); SQLite's IMMEDIATE transactions already do.
    Two plain statements: every audited write in the platform passes here, and the ORM's query building cost
    more than the statements themselves."""
    select, _update = _head_sql()
    with connection.cursor() as cursor:
        cursor.execute(select)
        row = cursor.fetchone()
    if row is None:
        AuditHead.objects.get_or_create(pk=1)
        return _lock_head()
    return int(row[0]), str(row[1])


def _advance_head(seq: int, digest: str) -> None:
    _select, update = _head_sql()
    with connection.cursor() as cursor:
        cursor.execute(update, [seq, digest])


@dataclass
class _Batch:
    """Events recorded inside `audit_batch`, waiting for their place in the chain; `depth` is the number of
    savepoints open when the batch began."""

    depth: int
    events: list[AuditEvent] = field(default_factory=list)


def _batch(conn: BaseDatabaseWrapper) -> _Batch | None:
    return getattr(conn, "_g60_audit_batch", None)


def _savepoints(conn: BaseDatabaseWrapper) -> int:
    # An inner atomic(savepoint=False) block opens no savepoint (Django records None): an error in it can only
    # roll the whole transaction back, batched events included.
    return sum(1 for sid in conn.savepoint_ids if sid is not None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Inside a transaction: the events recorded in the block join the chain together when the block ends,
    with one lock of the chain's head (taken then and held to the commit) and, on PostgreSQL, one statement
    for all of them. A step that records several events (an approval issuing a licence records four) then
    holds the head, which every audited write in the corridor waits for, only for its last moments instead of
    from its first event. An exception in the block discards the waiting events with the transaction.

    Events recorded inside a savepoint opened in the block are written at once, not batched: a rollback to
    that savepoint must take them with it (so they come before the block's waiting events in the chain, whose
    order is the order events are written). Blocks nest; the outermost one writes."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise AuditOutsideTransaction("audit_batch")
    if _batch(conn) is not None:
        yield
        return
    batch = _Batch(depth=_savepoints(conn))
    conn._g60_audit_batch = batch
    try:
        yield
        _append(batch.events)
    finally:
        conn._g60_audit_batch = None


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain. `actor` is the acting user (None for the system). Inside `audit_batch`
    the event gets its sequence number, link and hash when the batch ends."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise AuditOutsideTransaction(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor_id=actor_id,
        occurred_at=timezone.now(),
        actor_username=actor.get_username() if actor_id is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_plain(before),
        after=_plain(after),
        request_id=current_request_id(),
    )
    batch = _batch(conn)
    if batch is not None and _savepoints(conn) == batch.depth:
        batch.events.append(event)
    else:
        _append([event])
    return event


def _append(events: list[AuditEvent]) -> None:
    """Link `events` after the chain's head, in order, and write them with the head's advance."""
    if not events:
        return
    last_seq, last_hash = _lock_head()
    for event in events:
        last_seq += 1
        event.seq, event.prev_hash = last_seq, last_hash
        event.hash = last_hash = stored_event_hash(event)
    # The SQL is built from cached pieces (g60.core.rows) rather than by the ORM each time: every audited write
    # passes here, inside its transaction and its locks.
    if connection.vendor == "postgresql":
        # The events and the head's advance in one statement (a data-modifying CTE): one round trip for all,
        # while the head's row lock is held. Rows are inserted in the chain's order (audit_verify reads them
        # by id), and their ids come back in that order.
        insert, params, _returning = rows_insert_statement(events)
        _select, update = _head_sql()
        with connection.cursor() as cursor:
            # Both statements are built from the models' metadata only; every value is a parameter.
            statement = (
                f"WITH event AS ({insert}) {update} "  # noqa: S608
                "RETURNING (SELECT array_agg(id ORDER BY id) FROM event)"
            )
            cursor.execute(statement, [*params, last_seq, last_hash])
            ids = cursor.fetchone()[0]
        for event, pk in zip(events, ids, strict=True):
            row_inserted(event, pk)
    else:
        for event in events:
            row_insert(event)
        _advance_head(last_seq, last_hash)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a model instance, for the before/after of an event."""
    return {name: getattr(instance, name) for name in fields}
