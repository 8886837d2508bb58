"""SQLite: the register's FTS5 table holds the city as well as the name's tokens.

A text search narrowed to one city (科技 in Jiaxing) was driven by the FTS5 table, which handed out every
enterprise whose name matched, and each was looked up in the register to test its city: to count up to COUNT_CAP
in one of nine cities, about nine times as many look-ups (11-12 ms on a million rows). With the city as a second
column of the same FTS5 table, `search_text : (…) AND city_id : "330400"` merges the two posting lists inside
FTS5 and only rows of that city reach the register: 2.5-3 ms. The counterpart of PostgreSQL's GIN index on
(search_vector, city_id) (registry/0007). The text is now matched in the search_text column only, so that a
number in a name never matches a city code.

The table is external-content (it reads registry_enterprise's own columns), so adding the column means making the
table and its triggers again and rebuilding it from the register (≈ 5 s per million rows). PostgreSQL is unchanged.
"""

from django.db import migrations

from g60.core.schema import sqlite_statements

_TABLE = """CREATE VIRTUAL TABLE registry_enterprise_fts USING fts5(
        {columns}, content='registry_enterprise', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', columnsize=0)"""
_DROP = [
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_au",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ai",
    "DROP TABLE IF EXISTS registry_enterprise_fts",
]


def _statements(columns: list[str]) -> list[str]:
    """The FTS5 table over `columns` of the register, the triggers that keep it in step, and its rebuild."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    return [
        *_DROP,
        _TABLE.format(columns=names),
        f"""CREATE TRIGGER registry_enterprise_fts_ai AFTER INSERT ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(rowid, {names}) VALUES (new.id, {new}); END""",
        f"""CREATE TRIGGER registry_enterprise_fts_ad AFTER DELETE ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, {names})
            VALUES ('delete', old.id, {old}); END""",
        f"""CREATE TRIGGER registry_enterprise_fts_au AFTER UPDATE OF {names} ON registry_enterprise BEGIN
            INSERT INTO registry_enterprise_fts(registry_enterprise_fts, rowid, {names})
            VALUES ('delete', old.id, {old});
            INSERT INTO registry_enterprise_fts(rowid, {names}) VALUES (new.id, {new}); END""",
        "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('rebuild')",
    ]


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_import_large_loads")]

    operations = [
        migrations.RunPython(
            sqlite_statements(_statements(["search_text", "city_id"])),
            sqlite_statements(_statements(["search_text"])),
        )
    ]
