"""The audit log is append-only and hash-chained: any edit of a past row in the database is detected."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from g60.audit.models import AuditEvent, AuditHead
from g60.audit.services import AuditOutsideTransaction, audit_record
from g60.audit.verify import audit_verify
from tests.accounts.factories import UserFactory


def _append(n: int) -> list[AuditEvent]:
    actor = UserFactory()
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    action="test.event",
                    object_type="test.thing",
                    object_id=str(i),
                    object_repr=f"第{i}号 thing",
                    before={"value": i},
                    after={"value": i + 1, "名称": "松江"},
                )
            )
    return events


def _sql(statement: str, params: list[object]) -> None:
    # Raw SQL, as someone with database access would do it: the ORM refuses to update audit rows.
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify_cli() -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


pytestmark = pytest.mark.django_db


def test_intact_chain_verifies() -> None:
    _append(5)
    result = audit_verify()
    assert result.ok and result.checked == AuditEvent.objects.count()
    ok, out = _verify_cli()
    assert ok and "intact" in out


def test_events_link_to_their_predecessor() -> None:
    events = _append(3)
    assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1, events[0].seq + 2]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert AuditHead.objects.get(pk=1).last_hash == events[2].hash


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "test.other"),
        ("actor_username", "someone-else"),
        ("object_id", "999"),
        ("object_repr", "altered"),
        ("after", '{"value": 100}'),
        ("before", "null"),
        ("request_id", "forged-request-id"),
        ("occurred_at", "2020-01-01 00:00:00"),
    ],
)
def test_editing_any_column_of_a_past_row_is_detected(column: str, value: str) -> None:
    events = _append(5)
    target = events[2]
    _sql(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, target.pk])  # noqa: S608
    result = audit_verify()
    assert not result.ok
    assert result.first is not None and result.first.seq == target.seq
    ok, err = _verify_cli()
    assert not ok and f"#{target.seq}" in err


def test_rewriting_a_row_and_its_hash_breaks_the_next_link() -> None:
    events = _append(5)
    target = events[1]
    _sql("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, target.pk])
    result = audit_verify()
    assert result.first is not None and result.first.seq == target.seq


def test_deleting_a_row_is_detected() -> None:
    events = _append(5)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[3].pk])
    result = audit_verify()
    assert result.first is not None and result.first.seq == events[3].seq
    assert "deleted" in result.first.reason


def test_deleting_the_newest_rows_is_detected() -> None:
    events = _append(4)
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    result = audit_verify()
    assert not result.ok and result.first is not None and result.first.seq == events[-1].seq


def test_reordering_rows_is_detected() -> None:
    events = _append(5)
    a, b = events[1], events[2]
    # Swap the sequence numbers (through a free value, since seq is unique).
    _sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [10**9, a.pk])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    result = audit_verify()
    assert result.first is not None and result.first.seq == a.seq
    assert "reordered" in result.first.reason


def test_the_orm_refuses_to_change_or_delete_events() -> None:
    event = _append(1)[0]
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    # A transactional test runs in autocommit mode, as a careless caller outside any service would.
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=None, action="test.outside")
    assert not AuditEvent.objects.filter(action="test.outside").exists()


def test_one_event_is_written_with_the_hash_python_computes() -> None:
    """On PostgreSQL one event is linked, hashed, written and the head advanced by one statement (the hash
    computed by the database from the canonical text's pieces); on SQLite by Python. Either way the stored hash
    is the one `stored_event_hash` computes, also for content that looks like the canonical text's keys."""
    from django.test.utils import CaptureQueriesContext

    from g60.audit.chain import stored_event_hash

    _append(2)
    tricky = '"prev":"' + "0" * 64 + '","seq":1000000000000000000 \\ "引号" \u2028 😀'
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        event = audit_record(
            actor=None, action="test.tricky", object_type="t", object_id="1", object_repr=tricky,
            before={"seq": 1, "prev": tricky}, after=[tricky, None, 1.5],
        )  # fmt: skip
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (event.seq, event.prev_hash, event.hash)
    assert stored.hash == stored_event_hash(stored)
    assert stored.prev_hash == AuditEvent.objects.get(seq=stored.seq - 1).hash
    assert AuditHead.objects.get(pk=1).last_hash == stored.hash
    audit_sql = [q["sql"] for q in queries.captured_queries if "audit_" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(audit_sql) == 1
    assert audit_verify().ok


def test_the_first_event_of_a_new_database_makes_the_head() -> None:
    AuditHead.objects.all().delete()
    (event,) = _append(1)
    assert event.seq == 1 and event.prev_hash == "0" * 64
    assert AuditHead.objects.get(pk=1).last_seq == 1
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_events_appended_side_by_side_form_one_chain() -> None:
    """Eight writers appending single events at the same time (PostgreSQL: each on its own connection, waiting
    for the head's lock inside the one statement that appends): one unbroken chain, no sequence number twice.
    SQLite lets one writer in at a time, so there they append one after another."""
    from concurrent.futures import ThreadPoolExecutor

    def write(worker: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=None, action="test.parallel", object_type="t", object_id=f"{worker}-{i}")
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(write, range(8)))
    else:
        for worker in range(8):
            write(worker)
    seqs = sorted(AuditEvent.objects.filter(action="test.parallel").values_list("seq", flat=True))
    assert len(seqs) == 80 and len(set(seqs)) == 80
    assert AuditHead.objects.get(pk=1).last_seq == max(seqs)
    assert audit_verify().ok
