"""The register's search indexes set aside during a large import and built again after it (docs/search.md).

A row inserted into a table with an index on a scattered key (the name, the dates, the city + status + industry
codes) lands on a random page of each such index, so a load of a million rows into an empty register spends most
of its time keeping indexes that nobody reads yet; building an index once, after the load, sorts the rows
instead. This is what PostgreSQL's manual advises for populating a database ("Remove Indexes") and what
pg_restore does. Measured on this machine: docs/benchmark-history.md, "Fifth run of the day".

Only the plain (non-unique) B-tree indexes and, on PostgreSQL, the GIN index of the names are set aside. The
primary key and the unique indexes (USCC, public id) stay, because the import looks rows up by USCC and the
database must go on refusing duplicates. SQLite's FTS5 table stays (it is a table, kept by triggers), so its
register can still be searched by name meanwhile; on PostgreSQL names are still found during the load, reading
the table. The GIN index was kept until 2026-12-01 for that reason; but built by a million inserts it was 53 MB
and built once after the load 33-36 MB, and its scans 20-30 % faster (the phrases that need it: 华芯链科技 11.5
→ 9.0 ms, 芯链 4.2 → 3.5 ms, 华芯 6.4 → 4.7 ms on a million rows), for the same load time (a million rows: 37.0
s kept, 35.8 s set aside; docs/benchmark-history.md, "Eleventh run").

On PostgreSQL the register's foreign keys (city, created/modified/archived by) are set aside too, the manual's
"Remove Foreign Key Constraints": each inserted row queues a check per key, run at commit as a query of its own
(a sixth of the server's work in a load, measured with perf), while adding the constraint afterwards checks every
row in one join (1,000,000 rows: 1.9 s for the four). Meanwhile the import checks every city code against the
cities itself, and the other writers set these keys from rows they have just read; adding the constraints back
checks every row all the same, and a row breaking one would make that fail (the job keeps its list, W001 says so).
Adding them back locks the users and cities tables against writes (not reads) for those seconds. SQLite checks
foreign keys with a counter, not a query: nothing to gain there.

It is done only when the file holds at least IMPORT_DEFER_MIN_ROWS rows and more rows than the register already
has (the load at least doubles the register, so building the indexes costs less than keeping them), and never
inside a caller's transaction (a test's, or another service's).

On PostgreSQL, outside a caller's transaction, the GIN index is built by a second connection while the first
builds the B-trees: PostgreSQL 15 builds a GIN index in one process, a third of the rebuild (1,000,000 rows:
≈ 9-11 s of ≈ 29), while it builds a B-tree with parallel workers; the two at once took 20 s instead of 29
(docs/benchmark-history.md, "Sixteenth run"). The foreign keys come after both have committed: adding one locks
the table against the index builds' locks (SHARE ROW EXCLUSIVE against SHARE).

Crash safety: the statements that build the indexes again are read from the database's own catalogue and saved
in the job's row in the same transaction that drops them (DDL is transactional on SQLite and PostgreSQL), and
the job's list is emptied only in the transaction that makes the last of them. A job that stops before (killed,
the database gone) keeps the list, whatever was built meanwhile: `g60 import-enterprises --resume JOB` builds
at its end those still missing, and the system check registry.W001 (`g60 check --database default`) names every
job holding some.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core import checks
from django.db import DatabaseError, connection, transaction

from g60.registry.models import Enterprise, ImportJob

# Fewer rows than this are loaded with the indexes kept: the drop and the rebuild would cost more than they save.
IMPORT_DEFER_MIN_ROWS = 100_000
# PostgreSQL memory for building an index (the session's maintenance_work_mem; the server's default is 64 MB):
# a million rows' keys sort in memory instead of in temporary files.
POSTGRES_BUILD_MEMORY = "256MB"


def _deferrable(cursor: Any) -> list[list[str]]:
    """[name, statement that makes it] of each plain B-tree index on the register (CREATE INDEX) and, on
    PostgreSQL, the GIN index and each foreign key (ALTER TABLE ... ADD CONSTRAINT), from the catalogue."""
    table = Enterprise._meta.db_table
    if connection.vendor == "sqlite":
        # Indexes behind UNIQUE and PRIMARY KEY constraints have no statement (sql IS NULL) and stay.
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
            "AND upper(sql) NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
            [table],
        )
    else:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary "
            "AND a.amname IN ('btree', 'gin') "
            "UNION ALL SELECT conname, 'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' "
            "|| quote_ident(conname) || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY 1",
            [table, table],
        )
    return [[name, sql] for name, sql in cursor.fetchall()]


def _drop(cursor: Any, name: str, sql: str) -> None:
    quoted = connection.ops.quote_name(name)
    if _is_key(sql):
        table = connection.ops.quote_name(Enterprise._meta.db_table)
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted}")
    else:
        cursor.execute(f"DROP INDEX {quoted}")


@contextlib.contextmanager
def _deferred_checks_run(cursor: Any) -> Iterator[None]:
    """PostgreSQL refuses CREATE INDEX and ALTER TABLE on a table while foreign-key checks deferred to the
    commit are pending, which happens when the caller's transaction wrote rows (a test's): run them before the
    block, and defer the keys' checks to the commit again after it (as the keys are declared)."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    if postgres:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _existing_names(cursor: Any) -> set[str]:
    return set(connection.introspection.get_constraints(cursor, Enterprise._meta.db_table))


def register_rows_at_least(count: int) -> bool:
    """Whether the register holds at least `count` rows (counting stops there)."""
    return Enterprise.objects.order_by()[:count].count() >= count


def indexes_defer_wanted(estimated_rows: int) -> bool:
    """The rule of the module's docstring, for a file of about `estimated_rows` rows."""
    if connection.in_atomic_block or estimated_rows < IMPORT_DEFER_MIN_ROWS:
        return False
    return not register_rows_at_least(estimated_rows)


def indexes_defer(job: ImportJob) -> list[str]:
    """Drop the register's plain B-tree indexes (and on PostgreSQL its foreign keys), saving the statements that
    make them again in the job (one transaction). Returns the names dropped; a job already holding some keeps
    them (a resumed job)."""
    if job.deferred_indexes:
        return [name for name, _sql in job.deferred_indexes]
    with transaction.atomic(), connection.cursor() as cursor:
        with _deferred_checks_run(cursor):
            deferred = _deferrable(cursor)
            for name, sql in deferred:
                _drop(cursor, name, sql)
        job.deferred_indexes = deferred
        job.save(update_fields=["deferred_indexes", "modified_on"])
    return [name for name, _sql in deferred]


def _build(statements: list[list[str]]) -> list[str]:
    """Make in one transaction, on this thread's connection, those of `statements` ([name, sql]) whose object
    does not exist yet (made by hand, say, or by a restore that stopped after committing part). Returns their
    names."""
    built = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{POSTGRES_BUILD_MEMORY}'")
        with _deferred_checks_run(cursor):
            existing = _existing_names(cursor)
            for name, sql in statements:
                if name not in existing:
                    cursor.execute(sql)
                    built.append(name)
    return built


def _build_on_own_connection(statements: list[list[str]]) -> list[str]:
    """_build in a worker thread: a connection of its own, closed at the end."""
    try:
        return _build(statements)
    finally:
        connection.close()


def _is_gin(sql: str) -> bool:
    return " USING gin " in sql


def _is_key(sql: str) -> bool:
    """A foreign key's statement (ALTER TABLE ... ADD CONSTRAINT), not an index's (_deferrable)."""
    return sql.startswith("ALTER TABLE ")


def indexes_restore(job: ImportJob) -> list[str]:
    """Make again the indexes and foreign keys the job set aside and empty its list. Returns the names made; one
    that exists already is left as it is.

    On PostgreSQL outside a transaction, the GIN index is built on a second connection beside the B-trees, each
    committed, then the foreign keys and the emptied list in one transaction (the module's docstring); otherwise
    everything and the emptied list in one transaction."""
    if not job.deferred_indexes:
        return []
    statements = job.deferred_indexes
    built: list[str] = []
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        keys = [item for item in statements if _is_key(item[1])]
        gin = [item for item in statements if _is_gin(item[1])]
        btrees = [item for item in statements if item not in keys and item not in gin]
        # Leaving the block waits for the GIN build; result() raises the error it stopped with.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="g60-index-gin") as pool:
            gin_built = pool.submit(_build_on_own_connection, gin)
            built += _build(btrees)
            built += gin_built.result()
        statements = keys
    with transaction.atomic():
        built += _build(statements)
        job.deferred_indexes = []
        job.save(update_fields=["deferred_indexes", "modified_on"])
    return built


def indexes_restore_quietly(job: ImportJob) -> None:
    """indexes_restore for a failing import: if the database is gone too, the job keeps its list for --resume."""
    with contextlib.suppress(DatabaseError):
        indexes_restore(job)


@checks.register(checks.Tags.database)
def deferred_indexes_check(databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """registry.W001: a stopped import still holds some of the register's indexes."""
    if not databases or "default" not in databases:
        return []
    try:
        # Before `migrate` has made the table (or the column) there is nothing to report.
        jobs = list(ImportJob.objects.exclude(deferred_indexes=[]).only("public_id", "file_name", "deferred_indexes"))
    except DatabaseError:
        return []
    messages: list[checks.CheckMessage] = []
    for job in jobs:
        names = ", ".join(name for name, _sql in job.deferred_indexes)
        messages.append(
            checks.Warning(
                f"Import job {job.public_id} ({job.file_name}) stopped while these indexes (and keys) of the "
                f"register were set aside: {names}. Searches are slower until they are made again.",
                hint=f"g60 import-enterprises --resume {job.public_id}",
                obj=job,
                id="registry.W001",
            )
        )
    return messages
