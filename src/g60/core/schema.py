"""Schema helpers for migrations that must not rebuild a table.

On SQLite, Django applies almost any AlterField by copying the table into a new one; that drops the triggers
other migrations put on it (the register's FTS5 triggers, registry/0003) and copies every row of a table that
may hold millions. Dropping an index needs neither, so migrations that only take `db_index` off a field state
the change with AlterField and do the database part with `drop_single_column_indexes`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def drop_single_column_indexes(schema_editor: BaseDatabaseSchemaEditor, table: str, columns: list[str]) -> list[str]:
    """Drop every plain (non-unique) index on exactly one of `columns` of `table`, whatever its generated name
    (PostgreSQL's varchar_pattern_ops copies included). Returns the names dropped."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints: dict[str, Any] = connection.introspection.get_constraints(cursor, table)
    dropped = []
    for name, info in sorted(constraints.items()):
        plain = info["index"] and not info["unique"] and not info["primary_key"]
        if plain and len(info["columns"]) == 1 and info["columns"][0] in columns:
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")
            dropped.append(name)
    return dropped


def _statements_on(vendor: str, statements: list[str]) -> Callable[[Any, BaseDatabaseSchemaEditor], None]:
    def run(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == vendor:
            for statement in statements:
                schema_editor.execute(statement)

    return run


def postgres_statements(statements: list[str]) -> Callable[[Any, BaseDatabaseSchemaEditor], None]:
    """A RunPython function executing `statements` on PostgreSQL and nothing elsewhere."""
    return _statements_on("postgresql", statements)


def sqlite_statements(statements: list[str]) -> Callable[[Any, BaseDatabaseSchemaEditor], None]:
    """A RunPython function executing `statements` on SQLite and nothing elsewhere."""
    return _statements_on("sqlite", statements)
