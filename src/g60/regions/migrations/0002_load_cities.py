"""Load the nine corridor cities from regions/data/cities.csv (GB/T 2260 codes, names, coordinates)."""

from typing import Any

from django.db import migrations


def load_cities(apps: Any, schema_editor: Any) -> None:
    from dataclasses import asdict

    from g60.regions.reference import city_rows

    City = apps.get_model("regions", "City")
    for row in city_rows():
        values = asdict(row)
        code = values.pop("code")
        City.objects.update_or_create(code=code, defaults=values)


def unload_cities(apps: Any, schema_editor: Any) -> None:
    apps.get_model("regions", "City").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load_cities, unload_cities)]
