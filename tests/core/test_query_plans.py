"""custom_plans(): within the block PostgreSQL plans each statement for its values (psycopg sends it unprepared),
the block costs no statement of its own, and the connection prepares statements again after it, also after an
error (the licence lookup keeps its prepared statement and generic plan)."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from g60.core.query_plans import custom_plans

pytestmark = pytest.mark.django_db

# psycopg prepares a statement on its sixth execution with the app's settings (g60.dbconfig: prepare_threshold 5).
RUNS = 7


def _probe_sql() -> str:
    """A statement of its own for each test, so that no earlier test has prepared it already."""
    return f"SELECT CAST(%s AS INTEGER) + 1 AS probe_{uuid.uuid4().hex}"


def _prepared(sql_start: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [sql_start + "%"])
        return bool(cursor.fetchone()[0])


def _run(sql: str, times: int = RUNS) -> None:
    with connection.cursor() as cursor:
        for value in range(times):
            cursor.execute(sql, [value])
            assert cursor.fetchone()[0] == value + 1


@pytest.mark.django_db(transaction=True)  # autocommit: the block is not inside a transaction
def test_statements_in_the_block_are_not_prepared_and_are_after_it() -> None:
    sql = _probe_sql()
    if connection.vendor != "postgresql":
        # Nothing to do elsewhere: the block adds no statement.
        with CaptureQueriesContext(connection) as queries, custom_plans():
            _run(sql, 1)
        assert len(queries) == 1
        return
    start = sql.split("%s")[0]
    with CaptureQueriesContext(connection) as queries, custom_plans():
        _run(sql)
    assert len(queries) == RUNS  # the probe's own statements, nothing set or reset
    assert not _prepared(start)
    _run(sql)
    assert _prepared(start)  # the connection prepares again after the block


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_block_is_the_error_reported_and_preparing_comes_back() -> None:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), custom_plans(), connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM registry_enterprise")
    # The statement's own error; and the connection prepares statements again.
    assert "no_such_column" in str(error.value)
    if connection.vendor == "postgresql":
        sql = _probe_sql()
        _run(sql)
        assert _prepared(sql.split("%s")[0])


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_block_sends_nothing_either() -> None:
    if connection.vendor != "postgresql":
        return
    sql = _probe_sql()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, custom_plans():
            _run(sql)
        assert len(queries) == RUNS
        assert not _prepared(sql.split("%s")[0])
