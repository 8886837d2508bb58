"""Fewer indexes to write: the actor keys (created_by, modified_by, archived_by) lose theirs, the register's city key
 too (its composite indexes lead with the city), and the name index becomes a plain one (no PostgreSQL
varchar_pattern_ops copy).

The state changes by AlterField; the database only drops the indexes (g60.core.schema: no table rebuild,
which on SQLite would drop the register's FTS5 triggers). Going back leaves the indexes dropped.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from g60.core.schema import drop_single_column_indexes

TABLES = {
    "registry_enterprise": ["archived_by_id", "city_id", "created_by_id", "modified_by_id", "name"],
    "registry_importjob": ["created_by_id", "modified_by_id"],
}


def _drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table, columns in TABLES.items():
        drop_single_column_indexes(schema_editor, table, columns)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_load_cities"),
        ("registry", "0005_postgres_search_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="archived_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="archived by",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterprise",
                    name="city",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enterprises",
                        to="regions.city",
                        verbose_name="registration city",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterprise",
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
                    model_name="enterprise",
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
                    model_name="enterprise",
                    name="name",
                    field=models.CharField(max_length=200, verbose_name="name"),
                ),
                migrations.AlterField(
                    model_name="importjob",
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
                    model_name="importjob",
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
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["name"], name="enterprise_name"),
        ),
    ]
