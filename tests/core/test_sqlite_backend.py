"""The SQLite backend's writer queue (g60/sqlite_backend): a second writer waits for the first to finish and then
writes; the queue is released however a transaction ends; a writer that waits too long gets SQLite's own error.

Each test opens its own SQLite file through the project's database settings, whatever database the suite runs on.
"""

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from g60.dbconfig import database_config


@pytest.fixture(autouse=True)
def _own_files(django_db_blocker):  # type: ignore[no-untyped-def]
    # These connections are to the tests' own files, not the suite's test database.
    with django_db_blocker.unblock():
        yield


def _connections(tmp_path: Path, timeout: float = 20) -> ConnectionHandler:
    config = database_config(f"sqlite:///{tmp_path}/queue.sqlite3", conn_max_age=0)
    config["OPTIONS"]["timeout"] = timeout
    handler = ConnectionHandler({"default": config, "second": dict(config, OPTIONS=dict(config["OPTIONS"]))})
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS entry (who TEXT)")
    return handler


def _begin(connection: BaseDatabaseWrapper) -> None:
    """What transaction.atomic() does first on SQLite (outside any atomic block)."""
    connection.ensure_connection()
    connection._start_transaction_under_autocommit()


def test_project_uses_the_queued_backend(tmp_path: Path) -> None:
    assert database_config(f"sqlite:///{tmp_path}/x.sqlite3")["ENGINE"] == "g60.sqlite_backend"


def test_a_connection_opens_with_the_projects_pragmas(tmp_path: Path) -> None:
    """WAL, NORMAL sync, foreign keys and a 32 MiB page cache (g60.dbconfig says why)."""
    connection = _connections(tmp_path)["default"]
    with connection.cursor() as cursor:
        found = {}
        for pragma in ("journal_mode", "synchronous", "foreign_keys", "cache_size"):
            cursor.execute(f"PRAGMA {pragma}")
            found[pragma] = cursor.fetchone()[0]
    connection.close()
    # synchronous: 1 is NORMAL; a negative cache_size is in KiB.
    assert found == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "cache_size": -32768}


def test_a_second_writer_waits_for_the_first_then_writes(tmp_path: Path) -> None:
    handler = _connections(tmp_path)
    first = handler["default"]
    _begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO entry VALUES ('first')")
    began: list[float] = []

    def write() -> None:
        second = handler["second"]  # this thread's own connection
        _begin(second)
        began.append(time.monotonic())
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO entry VALUES ('second')")
        second.commit()
        second.close()

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.3)
    assert began == []  # still queued behind the first writer
    committed = time.monotonic()
    first.commit()
    thread.join(timeout=10)
    assert began and began[0] >= committed
    with first.cursor() as cursor:
        cursor.execute("SELECT who FROM entry ORDER BY rowid")
        assert [who for (who,) in cursor.fetchall()] == ["first", "second"]
    first.close()


def _hold_queue(tmp_path: Path) -> int:
    """Take the writer queue's lock as another process would (BlockingIOError when it is taken); closing the
    descriptor releases it."""
    fd = os.open(tmp_path / "queue.sqlite3.writer-lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _queue_is_free(tmp_path: Path) -> bool:
    """Whether another process could take the writer queue's lock now."""
    try:
        os.close(_hold_queue(tmp_path))
    except BlockingIOError:
        return False
    return True


def test_a_transaction_holds_the_queue_until_commit_rollback_or_close(tmp_path: Path) -> None:
    handler = _connections(tmp_path, timeout=0.5)
    first, second = handler["default"], handler["second"]
    for end in (first.commit, first.rollback, first.close):
        assert _queue_is_free(tmp_path)
        _begin(first)
        assert not _queue_is_free(tmp_path)
        end()
    assert _queue_is_free(tmp_path)
    _begin(second)  # at once
    second.commit()
    second.close()


def test_a_writer_queued_past_the_timeout_gets_sqlites_error(tmp_path: Path) -> None:
    handler = _connections(tmp_path, timeout=0.3)
    first, second = handler["default"], handler["second"]
    _begin(first)
    start = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        _begin(second)
    assert time.monotonic() - start >= 0.3
    first.commit()
    # Nothing of the failed attempt is left behind: the second connection writes now.
    _begin(second)
    with second.cursor() as cursor:
        cursor.execute("INSERT INTO entry VALUES ('second')")
    second.commit()
    first.close()
    second.close()


def test_a_write_outside_a_transaction_queues_and_a_read_does_not(tmp_path: Path) -> None:
    handler = _connections(tmp_path)
    held = _hold_queue(tmp_path)
    connection = handler["default"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM entry")  # a read goes on while another process holds the queue
        assert cursor.fetchone() == (0,)
    wrote: list[float] = []

    def write() -> None:
        second = handler["second"]  # autocommit: Django runs update()/delete()/save() like this
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO entry VALUES (%s)", ["bare"])
        wrote.append(time.monotonic())
        second.close()

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.3)
    assert wrote == []  # queued behind the holder, not written past it
    released = time.monotonic()
    os.close(held)
    thread.join(timeout=10)
    assert wrote and wrote[0] >= released
    assert _queue_is_free(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT who FROM entry")
        assert cursor.fetchall() == [("bare",)]
    connection.close()


def test_a_write_outside_a_transaction_queued_past_the_timeout_gets_sqlites_error(tmp_path: Path) -> None:
    handler = _connections(tmp_path, timeout=0.3)
    held = _hold_queue(tmp_path)
    connection = handler["default"]
    with pytest.raises(OperationalError, match="database is locked"), connection.cursor() as cursor:
        cursor.execute("UPDATE entry SET who = 'x'")
    os.close(held)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO entry VALUES ('after')")  # the queue is free again; nothing was left held
    assert _queue_is_free(tmp_path)
    connection.close()
