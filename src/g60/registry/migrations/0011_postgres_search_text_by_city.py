"""PostgreSQL: each city's search text (and status) in primary-key order, in an index of its own.

A text searched in one city (科技 in Jiaxing) was counted through the GIN index, which holds the city too
(registry/0007): the index intersects the posting lists of the text's characters and of the city, each of them
hundreds of thousands of entries for common characters, 9-12 ms on a million rows before a row is read. When the
text is common in that city (科技: ≈ 9 % of Jiaxing's rows), reading the city's rows in id order until COUNT_CAP
+ 1 match is cheaper, and this partial covering index makes that read index-only: counting 科技 in Jiaxing
12.3 → 2.9 ms, 芯 among Hefei's active enterprises 7.2 → 4.7 ms (EXPLAIN ANALYZE, a million rows).
g60.registry.selectors decides between the two with the share of matches the first page's probe saw and the
city's share of the register in PostgreSQL's statistics.

Like registry/0010, the index is appended to at its right edge within each city, and a large import sets it aside
and builds it again (g60.registry.import_indexes): ≈ 1.5 s for a million rows (140 MB). SQLite's FTS5 table holds
the city already (registry/0009).
"""

from django.db import migrations

from g60.core.schema import postgres_statements

POSTGRES_FORWARD = [
    "CREATE INDEX registry_enterprise_search_text_by_city ON registry_enterprise (city_id, id) "
    "INCLUDE (status, search_text) WHERE NOT archived",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS registry_enterprise_search_text_by_city"]


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_postgres_search_text_by_id")]

    operations = [migrations.RunPython(postgres_statements(POSTGRES_FORWARD), postgres_statements(POSTGRES_BACKWARD))]
