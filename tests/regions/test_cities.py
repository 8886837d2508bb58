"""The nine cities as the migrations load them: codes and the registration authorities' names."""

import pytest

from g60.regions.models import City

pytestmark = pytest.mark.django_db


def test_the_nine_cities_are_loaded_in_the_corridors_order() -> None:
    assert list(City.objects.order_by("sort_order").values_list("code", flat=True)) == [
        "310117",
        "330400",
        "330100",
        "330700",
        "330500",
        "320500",
        "341800",
        "340200",
        "340100",
    ]


def test_each_authority_is_named_as_its_seal_reads() -> None:
    songjiang, jiaxing = City.objects.get(pk="310117"), City.objects.get(pk="330400")
    # A district bureau carries its municipality's name; its English name says "District" once.
    assert songjiang.authority_zh == "上海市松江区市场监督管理局"
    assert songjiang.authority_en == "Songjiang District Administration for Market Regulation, Shanghai"
    assert jiaxing.authority_zh == "嘉兴市市场监督管理局"
    assert jiaxing.authority_en == "Jiaxing Municipal Administration for Market Regulation"
    for city in City.objects.all():
        assert city.authority_zh.endswith("市场监督管理局") and city.name_zh in city.authority_zh
        assert "District District" not in city.authority_en
        assert city.authority_en.count("Administration for Market Regulation") == 1


def test_the_migration_renames_an_authority_loaded_with_the_old_name() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("g60.regions.migrations.0003_authority_names")
    City.objects.filter(pk="310117").update(
        authority_zh="松江区市场监督管理局",
        authority_en="Songjiang District District Administration for Market Regulation",
    )
    migration.authority_names(apps, None)
    songjiang = City.objects.get(pk="310117")
    assert songjiang.authority_zh == "上海市松江区市场监督管理局"
    assert songjiang.authority_en == "Songjiang District Administration for Market Regulation, Shanghai"


def test_the_process_copy_of_the_cities_follows_a_saved_change() -> None:
    """regions.selectors.cities_by_code: the nine, read once; a city saved (the admin) or deleted drops the copy."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from g60.regions.selectors import cities_by_code

    assert sorted(cities_by_code()) == sorted(City.objects.values_list("code", flat=True))
    with CaptureQueriesContext(connection) as queries:
        jiaxing = cities_by_code()["330400"]
    assert len(queries) == 0  # the copy answered
    renamed = City.objects.get(pk="330400")
    renamed.authority_en = "Jiaxing Administration for Market Regulation (renamed)"
    renamed.save()
    assert cities_by_code()["330400"].authority_en.endswith("(renamed)")
    assert jiaxing.authority_en != renamed.authority_en  # the old copy was not changed in place
    City.objects.get(pk="341800").delete()
    assert "341800" not in cities_by_code()
