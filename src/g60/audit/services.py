"""Appending to the audit log. Every service that changes state calls `audit_record` inside its transaction,
so the event is committed with the change or not at all."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from g60.audit.chain import chain_text, stored_event_hash
from g60.audit.models import AuditEvent, AuditHead
from g60.core.request_context import current_request_id
from g60.core.rows import insert_fields, row_insert, row_inserted, rows_insert_statement


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
    if connection.vendor == "postgresql" and len(events) == 1 and _append_one_postgres(events[0]):
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


@lru_cache(maxsize=4)
def _one_event_sql(alias: str) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    """The statement that appends one event on PostgreSQL, and the event's fields whose values it takes as
    parameters (in order; the hash takes three pieces of text after them, see `_append_one_postgres`)."""
    conn = connections[alias]
    quote = conn.ops.quote_name
    meta = AuditEvent._meta
    fields = insert_fields(AuditEvent)
    computed = {
        "seq": "head.seq",
        "prev_hash": "head.prev",
        # The canonical JSON of chain.chain_text, its three fixed pieces around the previous hash and the
        # sequence number: the same text, so the same digest, as Python computes and audit_verify checks.
        "hash": "encode(sha256(convert_to(%s::text || head.prev || %s::text || head.seq::text || %s::text, "
        "'UTF8')), 'hex')",
    }
    # Each parameter cast to its column's type: in INSERT … SELECT the columns do not type the parameters.
    exprs = ", ".join(computed.get(f.name, f"%s::{f.db_type(conn)}") for f in fields)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    head = quote(AuditHead._meta.db_table)
    # Only names from the models' metadata are interpolated; every value is a parameter.
    sql = (
        f"WITH head AS (SELECT last_seq + 1 AS seq, last_hash AS prev FROM {head} WHERE id = 1 FOR UPDATE), "  # noqa: S608
        f"event AS (INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {exprs} FROM head "
        f"RETURNING id, seq, prev_hash, hash) "
        f"UPDATE {head} SET last_seq = event.seq, last_hash = event.hash FROM event WHERE {head}.id = 1 "
        f"RETURNING event.id, event.seq, event.prev_hash, event.hash"
    )
    return sql, tuple(f for f in fields if f.name not in computed)


def _append_one_postgres(event: AuditEvent) -> bool:
    """Append one event with one statement: lock the head, link and hash the event, insert it and advance the
    head, where `_append` takes a round trip for the lock and one for the rest. Every audited write passes
    here, and the head is the corridor-wide lock each of them waits for: it is now held from this statement to
    the commit only. False when the head row does not exist yet (a new database): `_append` makes it."""
    alias = router.db_for_write(AuditEvent)
    sql, fields = _one_event_sql(alias)
    conn = connections[alias]
    params = [f.get_db_prep_save(f.pre_save(event, True), conn) for f in fields]
    with conn.cursor() as cursor:
        cursor.execute(sql, [*params, *_hash_pieces(event)])
        row = cursor.fetchone()
    if row is None:
        return False
    pk, event.seq, event.prev_hash, event.hash = row
    row_inserted(event, pk, alias)
    return True


def _hash_pieces(event: AuditEvent) -> tuple[str, str, str]:
    """The canonical text `chain.stored_event_hash` hashes, cut where the previous hash and the sequence number
    go (known only under the head's lock): the text is the pieces with those two in between."""
    prev, seq = "0" * 64, 10**18  # stand-ins of the right kind, found by position below
    event.prev_hash, event.seq = prev, seq
    text = chain_text(event)
    # Keys are sorted, so "prev" comes before "seq", and the stand-ins are found after their own keys (a value
    # earlier in the text, such as a description, cannot hold them at that place).
    prev_at = text.index(f'"prev":"{prev}"') + len('"prev":"')
    seq_at = text.index(f'"seq":{seq}', prev_at) + len('"seq":')
    return text[:prev_at], text[prev_at + len(prev) : seq_at], text[seq_at + len(str(seq)) :]


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a model instance, for the before/after of an event."""
    return {name: getattr(instance, name) for name in fields}
