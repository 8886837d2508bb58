"""The register's schema after all migrations: the full-text machinery is in place and the write-only indexes
are gone. A migration that rebuilds the enterprise table on SQLite (Django does so for most AlterFields) would
drop the FTS5 triggers silently; this is the test that notices."""

import pytest
from django.db import connection

from g60.registry.models import Enterprise
from g60.registry.selectors import EnterpriseQuery, enterprise_search
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
TABLE = "registry_enterprise"


def _single_column_indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return {name: info["columns"] for name, info in constraints.items() if info["index"] and len(info["columns"]) == 1}


def test_full_text_index_follows_writes() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            triggers = {name for (name,) in cursor.fetchall()}
        assert triggers == {"registry_enterprise_fts_ai", "registry_enterprise_fts_ad", "registry_enterprise_fts_au"}
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                [TABLE, "search_vector"],
            )
            assert cursor.fetchone() == ("ALWAYS",)
            # One GIN index, holding the name's tokens and the city (migration registry/0007).
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s", [TABLE, "%gin%"]
            )
            assert [d.split(" USING ")[1] for (d,) in cursor.fetchall()] == ["gin (search_vector, city_id)"]
            # The search text of the public register in id order, for index-only reads (registry/0010).
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["registry_enterprise_search_text_by_id"]
            )
            assert cursor.fetchone()[0].split(" USING ")[1] == "btree (id) INCLUDE (search_text) WHERE (NOT archived)"
            # And each city's, with the status (registry/0011).
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["registry_enterprise_search_text_by_city"]
            )
            assert cursor.fetchone()[0].split(" USING ")[1] == (
                "btree (city_id, id) INCLUDE (status, search_text) WHERE (NOT archived)"
            )
            # And the public register's USCCs, for counting a prefix index-only (registry/0012).
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["registry_enterprise_uscc_public"])
            assert cursor.fetchone()[0].split(" USING ")[1] == "btree (uscc) WHERE (NOT archived)"
    # And the index answers for a row written after the migrations.
    enterprise = EnterpriseFactory(name="苏州纵横星链科技有限公司")
    assert list(enterprise_search(EnterpriseQuery(q="横星"))) == [enterprise]


def test_write_only_indexes_are_gone_and_search_indexes_stay() -> None:
    columns = [tuple(c) for c in _single_column_indexes().values()]
    for column in ("created_by_id", "modified_by_id", "archived_by_id", "city_id"):
        assert (column,) not in columns, column
    # One index on the name (for sorting), not two.
    assert columns.count(("name",)) == 1
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    # On PostgreSQL it carries the capital too (registry/0015, below); it leads with the industry all the same.
    assert constraints["enterprise_industry"]["columns"][0] == "industry_code"
    assert ("established_on",) in columns
    assert Enterprise._meta.get_field("uscc").unique


def test_postgres_filter_indexes_hold_the_public_register_with_the_filtered_columns() -> None:
    """registry/0015: a filtered search's count is read from one of these alone (PostgreSQL); SQLite keeps the
    plain indexes the model declares."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
        if connection.vendor != "postgresql":
            assert constraints["enterprise_city_status_ind"]["columns"] == ["city_id", "status", "industry_code"]
            return
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [["enterprise_city_status_ind", "enterprise_city_established", "enterprise_industry"]],
        )
        definitions = {name: definition.split(" USING ")[1] for name, definition in cursor.fetchall()}
    assert definitions == {
        "enterprise_city_status_ind": "btree (city_id, status, industry_code) WHERE (NOT archived)",
        "enterprise_city_established": "btree (city_id, established_on) "
        "INCLUDE (registered_capital_wan) WHERE (NOT archived)",
        "enterprise_industry": "btree (industry_code) INCLUDE (registered_capital_wan) WHERE (NOT archived)",
    }


@pytest.mark.django_db(transaction=True)
def test_the_pairs_migration_rewrites_every_search_text_both_ways() -> None:
    """registry/0016 gives every row PostgreSQL's paired search text from its names, and back (SQLite: nothing
    changes); the search finds the same rows after each."""
    from django.db.migrations.executor import MigrationExecutor

    from g60.registry.search_text import search_text_for
    from g60.registry.selectors import _most_common_shares, enterprise_page, enterprise_query_parse

    names = ["苏州华芯链科技有限公司", "嘉兴芯远医药有限公司", "杭州芯A链科技有限公司"]
    for name in names:
        EnterpriseFactory(name=name, name_en="Semi Co")
    postgres = connection.vendor == "postgresql"

    def texts() -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, search_text FROM registry_enterprise")
            return dict(cursor.fetchall())

    def found(q: str) -> list[str]:
        return sorted(e.name for e in enterprise_page(enterprise_query_parse({"q": q}))[0])

    assert texts() == {name: search_text_for(name, "Semi Co", pairs=postgres) for name in names}
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("registry", "0015_postgres_filter_indexes_public")])
        assert texts() == {name: search_text_for(name, "Semi Co") for name in names}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert texts() == {name: search_text_for(name, "Semi Co", pairs=postgres) for name in names}
    if postgres:  # analysed: the statistics the search's plans read list the pairs
        assert "公司" in _most_common_shares("search_vector", elements=True)
    assert found("芯链") == ["苏州华芯链科技有限公司"]
    assert found("芯") == sorted(names)
