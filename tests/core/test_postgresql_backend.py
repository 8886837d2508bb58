"""The PostgreSQL backend's health check (g60/postgresql_backend): a healthy idle connection is checked without
sending a statement, and a connection the server has closed is found broken and replaced before the request's
first query. On SQLite, Django's own check (nothing to ask a file) is what runs."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as between two requests


def _last_statement(pid: int) -> str:
    """What pg_stat_activity says the backend `pid` ran last, asked over a connection of its own."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
    ) as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None
    return str(row[0])


def _new_request() -> None:
    """What Django does between two requests and at the next one's first query."""
    connection.close_if_unusable_or_obsolete()
    connection.close_if_health_check_failed()


def test_a_healthy_connection_is_checked_without_a_statement() -> None:
    # A young connection: one older than CONN_MAX_AGE (earlier tests may have kept it longer) is closed as
    # obsolete at the next request, which is not what this test is about.
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before the check'")
    if connection.vendor != "postgresql":
        assert connection.is_usable()
        return
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    pid = connection.connection.info.backend_pid
    _new_request()
    assert connection.connection is not None and connection.connection.info.backend_pid == pid  # kept
    assert _last_statement(pid) == "SELECT 'before the check'"  # and nothing sent to check it


def test_a_connection_the_server_closed_is_replaced_before_the_next_query() -> None:
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        assert connection.is_usable()
        return
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:  # the server's goodbye is on its way
        time.sleep(0.01)
    assert not connection.is_usable()
    _new_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid  # a new connection, and the query ran
