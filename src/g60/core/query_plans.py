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

from django.db import DatabaseError, connection


@contextmanager
def custom_plans() -> Iterator[None]:
    """Within the block, PostgreSQL plans every statement for its parameters (a prepared statement still skips
    parsing). Two short statements around the block; nothing on other databases."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:
        # Inside a transaction (the name check in a workflow step), SET LOCAL ends with it: no RESET needed, one
        # round trip fewer while the step holds its locks. The rest of that transaction is planned per execution
        # too, which costs its few short statements next to nothing.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET plan_cache_mode")
        except DatabaseError:
            # Only in a transaction that a failed statement aborted; rolling it back undoes the SET as well (SET
            # is transactional), and the statement's own error is the one to report.
            pass
