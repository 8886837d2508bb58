"""Full-text indexes for the register's search (docs/search.md), one per database engine.

SQLite: an FTS5 table over `search_text` (external content, kept in step by triggers, so bulk writes are
indexed too). PostgreSQL: a GIN index on to_tsvector('simple', search_text), plus a text_pattern_ops index on
the USCC for prefix searches whatever the database's collation.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE registry_enterprise_fts USING fts5(
        search_text, content='registry_enterprise', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', columnsize=0)""",
    """CREATE TRIGGER registry_enterprise_fts_ai AFTER INSERT ON registry_enterprise BEGIN
        INSERT INTO registry_enterprise_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    """CREATE TRIGGER registry_enterprise_fts_ad AFTER DELETE ON registry_enterprise BEGIN
        INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    """CREATE TRIGGER registry_enterprise_fts_au AFTER UPDATE OF search_text ON registry_enterprise BEGIN
        INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO registry_enterprise_fts(rowid, search_text) VALUES (new.id, new.search_text); END""",
    "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_au",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ai",
    "DROP TABLE IF EXISTS registry_enterprise_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX registry_enterprise_search_gin ON registry_enterprise "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
    "CREATE INDEX registry_enterprise_uscc_prefix ON registry_enterprise (uscc text_pattern_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS registry_enterprise_search_gin",
    "DROP INDEX IF EXISTS registry_enterprise_uscc_prefix",
]


def _fill_search_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    from g60.registry.search_text import search_text_for

    Enterprise = apps.get_model("registry", "Enterprise")
    for enterprise in Enterprise.objects.filter(search_text="").only("id", "name", "name_en").iterator():
        Enterprise.objects.filter(pk=enterprise.pk).update(search_text=search_text_for(enterprise.name, enterprise.name_en))


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_history_imports_search")]

    operations = [
        migrations.RunPython(_fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
