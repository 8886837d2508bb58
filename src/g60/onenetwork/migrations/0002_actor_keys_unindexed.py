"""Fewer indexes to write: the actor keys (created_by, modified_by, archived_by) lose theirs.

The state changes by AlterField; the database only drops the indexes (g60.core.schema: no table rebuild,
which on SQLite would drop the register's FTS5 triggers). Going back leaves the indexes dropped.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from g60.core.schema import drop_single_column_indexes

TABLES = {
    "onenetwork_application": ["created_by_id", "modified_by_id"],
    "onenetwork_licence": ["created_by_id", "modified_by_id"],
}


def _drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table, columns in TABLES.items():
        drop_single_column_indexes(schema_editor, table, columns)


class Migration(migrations.Migration):
    dependencies = [
        ("onenetwork", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                migrations.AlterField(
                    model_name="application",
                    name="modified_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="modified by",
                    ),
                ),
                migrations.AlterField(
                    model_name="licence",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                migrations.AlterField(
                    model_name="licence",
                    name="modified_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="modified by",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_drop, migrations.RunPython.noop)],
        ),
    ]
