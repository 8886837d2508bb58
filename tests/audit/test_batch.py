"""audit_batch: the events of one step join the chain together at its end, in the order they were recorded."""

import itertools
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from g60.audit.models import AuditEvent, AuditHead
from g60.audit.services import AuditOutsideTransaction, audit_batch, audit_record
from g60.audit.verify import audit_verify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _record(action: str, value: int = 0) -> AuditEvent:
    return audit_record(actor=None, action=action, object_type="test.thing", object_id=str(value), after={"v": value})


def _head_seq() -> int:
    head = AuditHead.objects.filter(pk=1).first()
    return head.last_seq if head else 0


def test_a_batch_links_its_events_in_the_order_they_were_recorded() -> None:
    with transaction.atomic():
        _record("test.before")
    start = _head_seq()
    actor = UserFactory()
    with transaction.atomic(), audit_batch():
        events = [
            audit_record(actor=actor, action=f"test.batch.{i}", object_type="test.thing", after={"i": i})
            for i in range(4)
        ]
        # Waiting for the end of the block: nothing written, the head untouched.
        assert all(event.pk is None for event in events)
        assert _head_seq() == start
    assert [event.seq for event in events] == [start + 1, start + 2, start + 3, start + 4]
    stored = list(AuditEvent.objects.filter(action__startswith="test.batch.").order_by("pk"))
    assert [event.action for event in stored] == [f"test.batch.{i}" for i in range(4)]
    assert [event.pk for event in stored] == [event.pk for event in events]
    assert [event.seq for event in stored] == [event.seq for event in events]
    assert stored[0].prev_hash == AuditEvent.objects.get(seq=start).hash
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(stored))
    assert stored[0].actor_username == actor.get_username()
    assert AuditHead.objects.get(pk=1).last_hash == stored[-1].hash
    assert audit_verify().ok


def test_a_batch_locks_the_head_once_and_on_postgresql_writes_in_one_statement() -> None:
    with transaction.atomic():
        _record("test.before")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, audit_batch():
        for i in range(4):
            _record("test.batch", i)
    audit_sql = [q["sql"] for q in queries.captured_queries if "audit_" in q["sql"]]
    assert sum("audit_audithead" in sql and sql.startswith("SELECT") for sql in audit_sql) == 1
    if connection.vendor == "postgresql":
        assert len(audit_sql) == 2  # the head's lock, then the four events and the head's advance
    assert AuditEvent.objects.filter(action="test.batch").count() == 4
    assert audit_verify().ok


def test_an_error_in_the_block_writes_none_of_its_events() -> None:
    with transaction.atomic():
        _record("test.before")
    start = _head_seq()
    with pytest.raises(ValueError, match="step failed"), transaction.atomic(), audit_batch():
        _record("test.failed", 1)
        raise ValueError("step failed")
    assert not AuditEvent.objects.filter(action="test.failed").exists()
    assert _head_seq() == start
    with transaction.atomic():
        _record("test.after")
    assert audit_verify().ok


def test_an_event_inside_a_rolled_back_savepoint_goes_with_it() -> None:
    # Batched events wait outside the savepoint; the event recorded inside it is written there and then, so
    # the rollback removes it and the chain still verifies.
    with transaction.atomic(), audit_batch():
        _record("test.kept", 1)
        try:
            with transaction.atomic():
                _record("test.rolled_back", 2)
                raise RuntimeError("undo this part")
        except RuntimeError:
            pass
        _record("test.kept", 3)
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    kept = AuditEvent.objects.filter(action="test.kept").order_by("seq")
    assert [event.object_id for event in kept] == ["1", "3"]
    assert kept[1].seq == kept[0].seq + 1
    assert audit_verify().ok


def test_an_inner_block_without_a_savepoint_stays_in_the_batch() -> None:
    # atomic(savepoint=False) (the register's service inside a licence issue) cannot be rolled back alone, so
    # its events wait with the rest.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, audit_batch():
        _record("test.outer", 1)
        with transaction.atomic(savepoint=False):
            _record("test.inner", 2)
        _record("test.outer", 3)
        assert not [q for q in queries.captured_queries if "audit_" in q["sql"]]
    events = list(AuditEvent.objects.filter(action__in=["test.outer", "test.inner"]).order_by("seq"))
    assert [event.object_id for event in events] == ["1", "2", "3"]
    assert [event.seq for event in events] == [events[0].seq, events[0].seq + 1, events[0].seq + 2]
    assert audit_verify().ok


def test_nested_batches_write_once_at_the_outermost_end() -> None:
    with transaction.atomic(), audit_batch():
        with audit_batch():
            event = _record("test.nested", 1)
        assert event.pk is None  # the inner block's end writes nothing
    assert event.pk is not None and AuditEvent.objects.filter(pk=event.pk, action="test.nested").exists()
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_batch_outside_a_transaction_is_refused() -> None:
    with pytest.raises(AuditOutsideTransaction), audit_batch():
        pass


@pytest.mark.django_db(transaction=True)
def test_the_head_stays_free_until_the_batch_ends() -> None:
    # The point of batching: while a step works, other writers can still append to the chain. No statement
    # touches the chain before the block ends; on PostgreSQL another connection can lock the head meanwhile
    # (SQLite has one writer at a time whatever the rows, so there the statements are what can be checked).
    with transaction.atomic():
        _record("test.before")
    results: list[str] = []

    def other_writer() -> None:
        if connection.vendor != "postgresql":
            return
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                try:
                    cursor.execute("SELECT last_seq FROM audit_audithead WHERE id = 1 FOR UPDATE NOWAIT")
                    results.append("free")
                except DatabaseError:
                    results.append("locked")
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    def in_thread() -> None:
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join()

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, audit_batch():
            _record("test.working", 1)
            assert not [q for q in queries.captured_queries if "audit_" in q["sql"]]
            in_thread()
        assert [q for q in queries.captured_queries if "audit_" in q["sql"]]
        in_thread()
    if connection.vendor == "postgresql":
        assert results == ["free", "locked"]
    assert AuditEvent.objects.filter(action="test.working").count() == 1
    assert audit_verify().ok
