"""The registration authorities' names again from regions/reference.py: Songjiang's read "松江区市场监督管理局" and
"Songjiang District District Administration for Market Regulation" (its English name already ends in
"District"); they are now 上海市松江区市场监督管理局 and "Songjiang District Administration for Market Regulation,
Shanghai". The other cities' names are unchanged."""

from typing import Any

from django.db import migrations


def authority_names(apps: Any, schema_editor: Any) -> None:
    from g60.regions.reference import city_rows

    City = apps.get_model("regions", "City")
    for row in city_rows():
        City.objects.filter(code=row.code).update(authority_zh=row.authority_zh, authority_en=row.authority_en)


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_load_cities")]
    operations = [migrations.RunPython(authority_names, migrations.RunPython.noop)]
