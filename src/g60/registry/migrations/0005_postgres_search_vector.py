"""PostgreSQL: the register's tsvector stored in a generated column, and no duplicate USCC prefix index.

With the GIN index on the expression to_tsvector('simple', search_text), every row the index proposes for a
phrase query (芯 followed by 链) is rechecked by computing its tsvector again, and so is every row a first page
filters in register order: 45 ms for 芯链 on a million rows, most of it recomputing. A stored generated column
computes the vector once, when the row is written (COPY and bulk updates fill it without naming it), and the GIN
index is built on it. The model does not know the column; only the search's raw WHERE names it.

The text_pattern_ops index on the USCC duplicated the varchar_pattern_ops index Django already creates for a
unique CharField (and prefix searches use the unique index's range, docs/search.md): one index fewer to write on
every imported row. SQLite is unchanged.
"""

from django.db import migrations

from g60.core.schema import postgres_statements

POSTGRES_FORWARD = [
    "ALTER TABLE registry_enterprise ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "DROP INDEX IF EXISTS registry_enterprise_search_gin",
    "CREATE INDEX registry_enterprise_search_gin ON registry_enterprise USING gin (search_vector)",
    "DROP INDEX IF EXISTS registry_enterprise_uscc_prefix",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX registry_enterprise_uscc_prefix ON registry_enterprise (uscc text_pattern_ops)",
    "DROP INDEX IF EXISTS registry_enterprise_search_gin",
    "ALTER TABLE registry_enterprise DROP COLUMN search_vector",
    "CREATE INDEX registry_enterprise_search_gin ON registry_enterprise "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_filter_indexes")]

    operations = [migrations.RunPython(postgres_statements(POSTGRES_FORWARD), postgres_statements(POSTGRES_BACKWARD))]
