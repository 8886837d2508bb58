"""registry.W002: PostgreSQL must keep the register's statistics and full-text index up to date by itself.

The register's searches and the one-network name check rely on the planner's statistics and on the GIN index of
names, whose new entries wait in a pending list until a VACUUM (or the list reaching gin_pending_list_limit)
merges them. Autovacuum does both; with it off, every search reads through the pending list, the planner soon
avoids the index, and a name check reads the whole city's names (docs/benchmark-history.md, "Ninth run"). Large imports
analyse and vacuum the table themselves; single registrations and licences do not.
"""

from typing import Any

from django.core import checks
from django.db import DatabaseError, connection

from g60.registry.models import Enterprise


@checks.register(checks.Tags.database)
def autovacuum_check(databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """registry.W002 when PostgreSQL's autovacuum is off for the server or for the register's table."""
    if not databases or "default" not in databases or connection.vendor != "postgresql":
        return []
    table = Enterprise._meta.db_table
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('autovacuum')")
            server_on = cursor.fetchone()[0] == "on"
            # PostgreSQL keeps the option as written (off, false, 0, no...): the cast reads it as PostgreSQL does.
            cursor.execute(
                "SELECT NOT option_value::boolean FROM pg_class, pg_options_to_table(reloptions) "
                "WHERE oid = to_regclass(%s) AND option_name = 'autovacuum_enabled'",
                [table],
            )
            row = cursor.fetchone()
    except DatabaseError:
        return []
    table_off = row is not None and bool(row[0])
    if server_on and not table_off:
        return []
    places, statements = [], []
    if not server_on:
        places.append("on this PostgreSQL server")
        statements.append("ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf()")
    if table_off:
        places.append("for the register's table")
        statements.append(f"ALTER TABLE {table} RESET (autovacuum_enabled)")
    where, turn_on = " and ".join(places), "; ".join(statements)
    return [
        checks.Warning(
            f"Autovacuum is off {where}: the register's statistics and its full-text index's pending list are "
            "not kept up to date, so searches and name checks slow down as enterprises are added.",
            hint=f"Turn it on ({turn_on}) or schedule VACUUM (ANALYZE) {table}.",
            id="registry.W002",
        )
    ]
