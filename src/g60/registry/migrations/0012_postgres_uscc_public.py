"""PostgreSQL: the USCCs of the public register (not archived) in an index of their own.

A USCC prefix of eight characters (91 and a division code: one authority's registrations) matches tens of
thousands of enterprises; its count up to COUNT_CAP + 1 (g60.registry.selectors) read the table, since only the
table says whether a row is archived: a sequential scan through ≈ 9,000 rows, 2.7 ms on a million. This partial
index answers it index-only (0.4 ms); a prefix of ten characters, 197 matches, 0.09 ms. Like registry/0010 and
0011, a large import sets it aside and builds it again (g60.registry.import_indexes): ≈ 1.1 s for a million rows.
"""

from django.db import migrations

from g60.core.schema import postgres_statements

POSTGRES_FORWARD = [
    "CREATE INDEX registry_enterprise_uscc_public ON registry_enterprise (uscc) WHERE NOT archived",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS registry_enterprise_uscc_public"]


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_postgres_search_text_by_city")]

    operations = [migrations.RunPython(postgres_statements(POSTGRES_FORWARD), postgres_statements(POSTGRES_BACKWARD))]
