"""PostgreSQL: the search text with each CJK ideograph followed by another paired with it (search_text.py).

"苏 州 华 芯 链 …" becomes "苏州 州华 华芯 芯链 …", so the GIN index of its vector (registry/0005, 0007) holds a
lexeme per pair of characters. A sparse two-character phrase was the AND of two long posting lists: 华芯 read
华's 160,000 and 芯's 58,000 entries of a million rows to find 8,000 candidates (≈ 19 ms), and is now one list
of 3,655 (≈ 4 ms); 芯链 10 → 1 ms; 华芯链科技 13 → 1 ms (EXPLAIN ANALYZE of the counts, the machine's slow
phase, docs/benchmarks.md). The row-by-row tests and the covering indexes (registry/0010, 0011) test the pairs'
text with LIKE as they tested the characters'. SQLite keeps one token per character (its FTS5 table answers
phrases from positions and was fast enough).

Every row's text is rewritten here, from its names, in batches; the stored vector follows (a generated column),
and the table is analysed so the search's plans see the pairs' statistics. Backwards, the texts become one token
per character again. On a million rows (the machine's slow phase) this took 346 s forwards and 292 s backwards,
in one transaction (rows being rewritten cannot be updated meanwhile; searches go on), and left the old row
versions for VACUUM (autovacuum, or `VACUUM registry_enterprise` where it is off): run it in a quiet hour.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

BATCH = 5_000


def _rewrite(pairs: bool) -> Any:
    def rewrite(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        from g60.registry.search_text import search_text_for

        last = 0
        with schema_editor.connection.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT id, name, name_en FROM registry_enterprise WHERE id > %s ORDER BY id LIMIT %s",
                    [last, BATCH],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                cursor.execute(
                    "UPDATE registry_enterprise e SET search_text = v.text "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, text) "
                    "WHERE e.id = v.id AND e.search_text IS DISTINCT FROM v.text",
                    [[row[0] for row in rows], [search_text_for(row[1], row[2], pairs=pairs) for row in rows]],
                )
                last = rows[-1][0]
            # The search's plans read the vector's statistics (selectors.LEXEME_SHARES): until they list pairs,
            # every pair looks rare and even a common phrase would skip the probe for the GIN index.
            cursor.execute("ANALYZE registry_enterprise")

    return rewrite


class Migration(migrations.Migration):
    dependencies = [("registry", "0015_postgres_filter_indexes_public")]

    operations = [migrations.RunPython(_rewrite(pairs=True), _rewrite(pairs=False))]
