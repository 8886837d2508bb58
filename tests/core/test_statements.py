"""g60.core.statements: a queryset compiled once and run with other values finds what the ORM finds for those
values; a statement whose SQL or parameters do not follow from its values is refused (None), so that its caller
builds it each time."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet

from g60.core import statements
from g60.core.statements import statement
from g60.registry.models import Enterprise
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

MARKERS = (("〇A", "〇B", Decimal("1111.1111"), 1111), ("〇C", "〇D", Decimal("2222.2222"), 1212))


def _search(values: Sequence[Any]) -> QuerySet[Enterprise]:
    """Exact text, a LIKE pattern, a decimal and a year's first day: each value transformed its own way."""
    return Enterprise.objects.filter(
        status=values[0],
        name__contains=values[1],
        registered_capital_wan__gte=values[2],
        established_on__gte=f"{values[3]:04d}-01-01",
    ).order_by("id")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    statements._cache.clear()


def test_a_compiled_statement_finds_what_the_orm_finds_for_other_values() -> None:
    for i in range(12):
        EnterpriseFactory(
            name=f"苏州{'芯' if i % 2 else '鼎'}{i}有限公司",
            status="active" if i % 3 else "revoked",
            registered_capital_wan=Decimal(10 * i),
            established_on=dt.date(2015 + i % 4, 6, 1),
        )
    compiled = statement("test search", _search, MARKERS, connection.alias)
    assert compiled is not None
    for values in (("active", "芯", Decimal(20), 2016), ("revoked", "鼎", Decimal(0), 2015), ("active", "无", 0, 2000)):
        found = compiled.objects(Enterprise, connection.alias, values)
        assert [e.pk for e in found] == [e.pk for e in _search(values)]
        assert [(e.name, e.registered_capital_wan) for e in found] == [
            (e.name, e.registered_capital_wan) for e in _search(values)
        ]
    assert [e.name for e in compiled.objects(Enterprise, connection.alias, ("active", "芯", Decimal(20), 2016))]


def test_a_count_is_the_querysets_count() -> None:
    for i in range(5):
        EnterpriseFactory(name=f"苏州芯{i}有限公司", established_on=dt.date(2020, 1, 1))
    compiled = statement("test count", lambda v: _search(v).values("id")[:3], MARKERS, connection.alias, count=True)
    assert compiled is not None
    values = ("active", "芯", Decimal(0), 2019)
    assert compiled.rows(connection.alias, values)[0][0] == _search(values).values("id")[:3].count() == 3


def test_a_statement_whose_sql_follows_a_value_is_not_compiled() -> None:
    # A slice's bounds are written into the SQL: the second build's SQL differs.
    assert statement("test slice", lambda v: _search(v)[: int(v[2])], MARKERS, connection.alias) is None


def test_a_parameter_transformed_in_an_unknown_way_is_not_compiled() -> None:
    # lower() hides the marker: its parameter would stay the first build's, which the second build shows.
    lowered = (("MA", "x", Decimal(1), 1), ("MB", "y", Decimal(2), 2))
    build = lambda v: Enterprise.objects.filter(name=v[0].lower())  # noqa: E731
    assert statement("test lower", build, lowered, connection.alias) is None


def test_the_cache_keeps_a_statement_per_key_and_drops_the_oldest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statements, "CACHE_SIZE", 2)
    first = statement("a", _search, MARKERS, connection.alias)
    assert statement("a", _search, MARKERS, connection.alias) is first
    statement("b", _search, MARKERS, connection.alias)
    statement("c", _search, MARKERS, connection.alias)
    assert [key[0] for key in statements._cache] == ["b", "c"]
