"""PostgreSQL: the register's search text in primary-key order, in an index of its own.

A common text (芯: 6 % of names) is counted by reading the register in order until COUNT_CAP + 1 rows match, and
the first page of any text search is looked for in the first PROBE_ROWS rows (g60.registry.selectors). Reading
whole rows for that (≈ 1.3 kB each, 6-12 to a page, through a small ring of buffers) and testing the phrase on the
stored tsvector cost most of a search. This partial covering index holds only the id and the search text of the
rows on the public register, in id order (123 MB for a million rows against 650 MB of table), so those reads are
index-only scans that test `search_text LIKE '%芯 链%'` on the index's own tuples: counting 1,001 rows holding 芯
on a million rows 21.0 → 9.5 ms (median of 30, alternating), the probe of a rare phrase 11.8 → 3.8 ms.
Index-only scans need the visibility map, which the import's closing VACUUM (ANALYZE) sets.

Ids only grow, so the index is appended to at its right edge: little to keep per written row. A large import sets
it aside and builds it again like the register's other plain B-tree indexes (g60.registry.import_indexes): ≈ 3 s
for a million rows. SQLite is unchanged (its FTS5 table answers these reads).
"""

from django.db import migrations

from g60.core.schema import postgres_statements

POSTGRES_FORWARD = [
    "CREATE INDEX registry_enterprise_search_text_by_id ON registry_enterprise (id) INCLUDE (search_text) "
    "WHERE NOT archived",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS registry_enterprise_search_text_by_id"]


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_sqlite_search_city")]

    operations = [migrations.RunPython(postgres_statements(POSTGRES_FORWARD), postgres_statements(POSTGRES_BACKWARD))]
