"""custom_plans(): PostgreSQL plans the register search for its values, and the setting never outlives the block
(the licence lookup keeps its generic plan)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from g60.core.query_plans import custom_plans

pytestmark = pytest.mark.django_db


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return str(cursor.fetchone()[0])


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
