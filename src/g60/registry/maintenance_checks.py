"""registry.W002: PostgreSQL must keep the register's statistics and full-text index up to date by itself.

The register's searches and the one-network name check rely on the planner's statistics and on the GIN index of
names, whose new entries wait in a pending list until a VACUUM (or the list reaching gin_pending_list_limit)
merges them. Autovacuum does both; with it off, every search reads through the pending list, the planner soon
avoids the index, and a name check reads the whole city's names (docs/onenetwork.md, "Ninth run"). Large imports
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
            cursor.execute("SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = to_regclass(%s)", [table])
            row = cursor.fetchone()
    except DatabaseError:
        return []
    table_off = row is not None and "autovacuum_enabled=false" in row[0]
    if server_on and not table_off:
        return []
    if server_on:
        where, turn_on = "for the register's table", f"ALTER TABLE {table} RESET (autovacuum_enabled)"
    else:
        where, turn_on = "on this PostgreSQL server", "ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf()"
    return [
        checks.Warning(
            f"Autovacuum is off {where}: the register's statistics and its full-text index's pending list are "
            "not kept up to date, so searches and name checks slow down as enterprises are added.",
            hint=f"Turn it on ({turn_on}) or schedule VACUUM (ANALYZE) {table}.",
            id="registry.W002",
        )
    ]
