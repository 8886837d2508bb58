"""Django's SQLite backend, with write transactions queued on an operating-system lock.

SQLite lets one writer in at a time. A second writer's BEGIN IMMEDIATE fails with SQLITE_BUSY, and SQLite's busy
handler then sleeps and retries after 1, 2, 5, 10, 15, 20, 25 ... ms: with several processes writing (server
workers, an import beside the web), a waiting writer mostly sleeps while the lock is already free, and the cores
idle. Here every transaction first takes an exclusive lock on a file beside the database (flock), retried every
0.5 ms, and begins once it has it. Two processes running one-network cases: ≈10 % more cases per second
(`benchmarks/onenetwork.py --workers 2`, 19.6 → 21.6/s, three runs each, 2026-12-01).

A write statement outside a transaction (Django runs `QuerySet.update()`, `delete()` and many `save()`s bare in
autocommit mode; SQLite wraps each in its own implicit transaction) queues on the same lock for the statement's
duration. Without it such a statement skipped the queue and met SQLite's busy handler instead: with two
processes running cases (one bare `UPDATE … pdf_sha256` each, after the licence PDF), a case spent ≈ 30 ms outside
the queue where one process alone spends ≈ 15; with it ≈ 16 ms.

The lock is only a queue in front of SQLite's own lock, never a replacement: a writer that does not wait for it
(another program) still meets SQLite's lock and busy timeout; a writer that cannot get the file lock within the
timeout gets SQLite's own error ("database is locked").
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.sqlite3 import base

# A blocking flock() would wait forever, where SQLite gives up after its busy timeout: a thread holding a
# transaction while it waits for another thread that wants one would hang instead of failing. So the wait is a
# series of non-blocking attempts, 0.5 ms apart (a sleep far shorter than the busy handler's), up to the timeout.
_RETRY_SECONDS = 0.0005


# Statements that never write: they run outside the queue, so reads go on beside a writer (WAL). Anything else
# outside a transaction (INSERT, UPDATE, DELETE, REPLACE, DDL, a WITH that may end in a write) queues.
_READ_ONLY = re.compile(r"\s*(SELECT|EXPLAIN|PRAGMA|VALUES)\b", re.IGNORECASE)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_lock: int | None = None  # the lock file's descriptor while this connection holds the lock

    def _writer_lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writer-lock"

    def _take_writer_lock(self) -> None:
        path = self._writer_lock_path()
        if path is None or self._writer_lock is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                os.close(fd)
                # What SQLite itself answers when its busy timeout runs out.
                with self.wrap_database_errors:
                    raise self.Database.OperationalError("database is locked")
            time.sleep(_RETRY_SECONDS)
        self._writer_lock = fd

    def _release_writer_lock(self) -> None:
        fd, self._writer_lock = self._writer_lock, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases its lock

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=_QueuedCursor)
        cursor.database = self
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private hooks the stubs leave out
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_writer_lock()


class _QueuedCursor(base.SQLiteCursorWrapper):
    """Django's cursor, with a write statement outside any transaction run inside the writer queue."""

    database: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        if not self._queues(query):
            return super().execute(query, params)
        with self._queued():
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        if not self._queues(query):
            return super().executemany(query, param_list)
        with self._queued():
            return super().executemany(query, param_list)

    def _queues(self, query: str) -> bool:
        return (
            self.database._writer_lock is None  # not inside a queued transaction already
            and not self.connection.in_transaction
            and _READ_ONLY.match(query) is None
        )

    @contextmanager
    def _queued(self) -> Iterator[None]:
        # Released when execute() returns. A statement with RETURNING keeps its implicit transaction until its rows
        # are fetched, which Django does at once; a writer that dequeues meanwhile meets SQLite's own lock briefly.
        self.database._take_writer_lock()
        try:
            yield
        finally:
            self.database._release_writer_lock()
