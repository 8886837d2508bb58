"""Plans chosen for each query's values, where the values decide the plan (PostgreSQL).

The app's PostgreSQL connections prepare a statement after its fifth execution (g60.dbconfig), and PostgreSQL
then may keep one generic plan for it, made without looking at the parameters. That is right for a lookup by a
unique key (the licence verification: planning it costs more than running it) and wrong for the register search,
where the parameters decide everything: a generic plan cannot tell a one-character query matching 6 % of the
register from a five-character one matching 0.001 %, nor a range of 10,000 ids from a third of the table. On a
million rows the generic plans made searches 2-5 times slower (芯 ≈ 30 → 15 ms, 半导体装备 ≈ 80 → 15 ms).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def custom_plans() -> Iterator[None]:
    """Within the block, PostgreSQL plans every statement for its parameters: psycopg sends the block's statements
    unprepared (prepare_threshold None on the connection, put back after), and the server plans an unnamed
    statement for the values bound to it. Nothing is sent to the server for this, and the setting cannot outlive
    the block on the server (an earlier version sent SET plan_cache_mode before the block and RESET after it:
    two round trips per search). Statements prepared earlier on the connection stay prepared for later use;
    within the block they are parsed again. Nothing happens on other databases."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    client = connection.connection
    before = client.prepare_threshold
    client.prepare_threshold = None
    try:
        yield
    finally:
        # The same connection object: if Django replaced the connection meanwhile, the new one has the
        # configured threshold already.
        client.prepare_threshold = before
