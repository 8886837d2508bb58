"""The register search's statements are compiled once per shape of query (g60.core.statements,
selectors._Shape) and must answer exactly as the statements the ORM builds each time: the same page, in the same
order, with the same values, and the same count, for every kind of search, on whichever database the suite runs
on. And the compiled path must be the one taken (else these comparisons test nothing)."""

import datetime as dt
from decimal import Decimal

import pytest

from g60.core import statements
from g60.regions.models import City
from g60.registry import selectors
from g60.registry.selectors import LIST_FIELDS, enterprise_page, enterprise_query_parse
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    {"q": "芯"},
    {"q": "芯链"},
    {"q": "华芯链科技"},
    {"q": "芯 链"},  # the same phrase with a space
    {"q": "鼎"},
    {"q": "鼎", "offset": "4"},
    {"q": "芯", "offset": "8"},
    {"q": "芯", "sort": "-capital"},
    {"q": "芯", "city": "330400"},
    {"q": "芯", "city": "320500", "status": "active"},
    {"q": "科技", "industry": "C", "year": "2019"},
    {"q": "91320500"},
    {"q": "9133", "sort": "name"},
    {"city": "320500", "status": "active", "industry": "C3973"},
    {"year": "2019", "capital_min": "150", "city": "330400"},
    {"industry": "I", "capital_max": "300", "sort": "-established_on"},
    {"capital_min": "10.5", "capital_max": "200"},
    {"status": "revoked"},
    {"q": "无此企业"},
]


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small pages, windows and caps, so that every path runs on a few dozen rows: the probe finding the page or
    # not, the count read in order or from the index, capped or not.
    monkeypatch.setattr(selectors, "PROBE_ROWS", 12)
    monkeypatch.setattr(selectors, "COUNT_CAP", 9)
    jiaxing = City.objects.get(code="330400")
    for i in range(36):
        EnterpriseFactory(
            name=f"苏州芯{i}科技有限公司" if i % 3 else f"苏州鼎{i}贸易有限公司",
            city=jiaxing if i % 4 == 0 else City.objects.get(code="320500"),
            status="revoked" if i % 5 == 0 else "active",
            industry_code="I6510" if i % 2 else "C3973",
            established_on=dt.date(2018 + i % 3, 1 + i % 12, 1 + i % 28),
            registered_capital_wan=Decimal(50 * (i % 7) + 25),
        )
    EnterpriseFactory(name="苏州华芯链科技有限公司")


def _answer(params: dict[str, str]) -> tuple[list[tuple[object, ...]], int, bool]:
    query = enterprise_query_parse({**params, "limit": "4"})
    assert not query.errors, query.errors
    items, count, capped = enterprise_page(query)
    return [tuple(getattr(item, name) for name in (*LIST_FIELDS, "pk")) for item in items], count, capped


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize("params", QUERIES, ids=lambda p: " ".join(f"{k}={v}" for k, v in p.items()))
def test_a_compiled_search_answers_as_the_orm_does(params: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    statements._cache.clear()
    compiled = _answer(params)
    used = [key for key, statement in statements._cache.items() if statement is not None]
    assert used, "the search ran without a compiled statement"
    assert all(statement is not None for statement in statements._cache.values())
    monkeypatch.setattr(selectors._Shape, "of", classmethod(lambda cls, query: None))
    assert compiled == _answer(params)


@pytest.mark.usefixtures("register")
def test_one_compiled_statement_serves_every_search_of_its_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    statements._cache.clear()
    answers = {q: _answer({"q": q, "city": "320500"}) for q in ("芯", "鼎", "链", "贸")}
    compiled = dict(statements._cache)
    assert compiled and all(statement is not None for statement in compiled.values())
    assert {q: _answer({"q": q, "city": "320500"}) for q in answers} == answers
    assert statements._cache.keys() == compiled.keys()  # nothing compiled again
    monkeypatch.setattr(selectors._Shape, "of", classmethod(lambda cls, query: None))
    assert {q: _answer({"q": q, "city": "320500"}) for q in answers} == answers
    assert len({tuple(answer[0]) for answer in answers.values()}) > 2  # the values did change the answers


def test_an_english_word_is_searched_with_the_orms_statements() -> None:
    assert selectors._Shape.of(enterprise_query_parse({"q": "semi"})) is None
    assert selectors._Shape.of(enterprise_query_parse({"q": "芯semi"})) is None
    assert selectors._Shape.of(enterprise_query_parse({"q": "芯" * 17})) is None
    assert selectors._Shape.of(enterprise_query_parse({"q": "芯" * 16})) is not None


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize("q", ["苏州华芯链科技有限公司", "华芯链科技", "科技有限公司"])
def test_a_search_asking_the_index_for_its_rarest_pairs_compiles_per_choice(
    q: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With statistics, PostgreSQL's GIN index is asked for a long phrase's rarest pairs of characters (selectors.
    _gin_pairs): which ones is part of the statement's shape, and the compiled statement answers as the ORM's."""
    from django.db import connection

    monkeypatch.setattr(selectors, "PROBE_ROWS", 1)  # the GIN index answers
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_enterprise")  # inside the test's transaction, rolled back with it
    statements._cache.clear()
    compiled = _answer({"q": q})
    shapes = [key[0][1] for key in statements._cache if isinstance(key[0][1], selectors._Shape)]
    expected = selectors._gin_pairs(enterprise_query_parse({"q": q}))
    assert shapes and {shape.gin_pairs for shape in shapes} == {expected}
    assert (expected != ()) is (connection.vendor == "postgresql")
    monkeypatch.setattr(selectors._Shape, "of", classmethod(lambda cls, query: None))
    assert compiled == _answer({"q": q})
