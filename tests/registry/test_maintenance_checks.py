"""registry.W002 names a PostgreSQL server (or register table) running without autovacuum."""

import pytest
from django.db import connection

from g60.registry.maintenance_checks import autovacuum_check

pytestmark = pytest.mark.django_db


def _autovacuum_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('autovacuum')")
        return str(cursor.fetchone()[0])


def test_the_check_follows_the_servers_setting() -> None:
    messages = autovacuum_check(databases=["default"])
    if connection.vendor != "postgresql":
        assert messages == []  # SQLite has no autovacuum daemon to rely on: nothing to report
        return
    # The real server's setting (this machine's PostgreSQL runs without autovacuum; CI servers may not).
    expected = ["registry.W002"] if _autovacuum_setting() == "off" else []
    assert [m.id for m in messages] == expected
    if messages:
        assert "on this PostgreSQL server" in messages[0].msg and "VACUUM (ANALYZE)" in messages[0].hint


def test_the_check_names_a_register_table_without_autovacuum() -> None:
    if connection.vendor != "postgresql":
        assert autovacuum_check(databases=["default"]) == []
        return
    server_off = _autovacuum_setting() == "off"
    for value, off in (("false", True), ("off", True), ("0", True), ("true", False), ("on", False)):
        with connection.cursor() as cursor:
            # PostgreSQL keeps the option as written: every spelling of a boolean must be read as one.
            cursor.execute(f"ALTER TABLE registry_enterprise SET (autovacuum_enabled = {value})")
        messages = autovacuum_check(databases=["default"])
        assert [m.id for m in messages] == (["registry.W002"] if off or server_off else []), value
        if messages:
            assert ("for the register's table" in messages[0].msg) == off, value
            assert ("RESET (autovacuum_enabled)" in messages[0].hint) == off, value


def test_the_check_runs_only_when_asked_for_the_database() -> None:
    assert autovacuum_check(databases=None) == []
    assert autovacuum_check(databases=["other"]) == []
