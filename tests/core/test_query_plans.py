"""custom_plans(): PostgreSQL plans the register search for its values, and the setting never outlives the block
outside a transaction, nor the transaction inside one (the licence lookup keeps its generic plan)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from g60.core.query_plans import custom_plans

pytestmark = pytest.mark.django_db


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)  # autocommit: the block is not inside a transaction
def test_custom_plans_inside_the_block_only() -> None:
    if connection.vendor != "postgresql":
        # Nothing to set elsewhere: the block costs no statement at all.
        with CaptureQueriesContext(connection) as queries, custom_plans():
            pass
        assert len(queries) == 0
        return
    assert _plan_cache_mode() == "auto"
    with custom_plans():
        assert _plan_cache_mode() == "force_custom_plan"
    assert _plan_cache_mode() == "auto"


def test_an_error_in_the_block_is_the_error_reported_and_the_setting_is_undone() -> None:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), custom_plans(), connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM registry_enterprise")
    # The statement's own error, not the RESET refused by the aborted transaction.
    assert "no_such_column" in str(error.value)
    if connection.vendor == "postgresql":
        assert _plan_cache_mode() == "auto"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_setting_ends_with_the_transaction_without_a_reset() -> None:
    if connection.vendor != "postgresql":
        return  # nothing is set elsewhere (the test above shows it)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, custom_plans():
            assert _plan_cache_mode() == "force_custom_plan"
        assert queries[0]["sql"].startswith("SET LOCAL")
        assert not any("RESET" in q["sql"] for q in queries)
    assert _plan_cache_mode() == "auto"
