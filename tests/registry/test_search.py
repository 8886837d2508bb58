"""Search on whichever database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL): CJK
substrings of 1, 2 and 3+ characters, English names, USCC prefixes, filters, and the index kept in step."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from g60.registry.selectors import enterprise_page, enterprise_query_parse, highlight, mask_person_name
from g60.registry.services import enterprise_archive, enterprise_update
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def names(**params: str) -> list[str]:
    query = enterprise_query_parse(params)
    assert not query.errors
    items, count, _capped = enterprise_page(query)
    assert count == len(items) or count > query.limit
    return sorted(e.name for e in items)


@pytest.fixture
def register() -> dict[str, object]:
    return {
        "chip": EnterpriseFactory(name="苏州华芯链科技有限公司", name_en="Suzhou Huaxinlian Technology Co., Ltd."),
        "other": EnterpriseFactory(name="嘉兴芯远医药有限公司", name_en="Jiaxing Xinyuan Pharmaceutical Co., Ltd."),
        "link": EnterpriseFactory(name="杭州链华软件有限公司", name_en="Hangzhou Lianhua Software Co., Ltd."),
    }


def test_two_character_substring(register: dict[str, object]) -> None:
    assert names(q="芯链") == ["苏州华芯链科技有限公司"]


def test_one_character(register: dict[str, object]) -> None:
    assert names(q="芯") == ["嘉兴芯远医药有限公司", "苏州华芯链科技有限公司"]
    assert names(q="链") == ["杭州链华软件有限公司", "苏州华芯链科技有限公司"]


def test_three_and_more_characters(register: dict[str, object]) -> None:
    assert names(q="华芯链科技") == ["苏州华芯链科技有限公司"]
    # The characters must be consecutive, in order: 链华 is in one name only.
    assert names(q="链华") == ["杭州链华软件有限公司"]
    assert names(q="芯华") == []


def test_english_name_words_and_prefixes(register: dict[str, object]) -> None:
    assert names(q="Huaxinlian") == ["苏州华芯链科技有限公司"]
    assert names(q="pharma") == ["嘉兴芯远医药有限公司"]
    assert names(q="software co") == ["杭州链华软件有限公司"]


def test_uscc_full_and_prefix(register: dict[str, object]) -> None:
    chip = register["chip"]
    assert names(q=chip.uscc) == ["苏州华芯链科技有限公司"]  # type: ignore[attr-defined]
    assert len(names(q="91320500")) == 3
    assert names(q=chip.uscc[:12].lower()) == ["苏州华芯链科技有限公司"]  # type: ignore[attr-defined]


def test_filters() -> None:
    EnterpriseFactory(
        name="松江一号有限公司",
        city_id="310117",
        status="revoked",
        industry_code="I6513",
        established_on=dt.date(2010, 1, 1),
        registered_capital_wan=Decimal("50"),
    )
    EnterpriseFactory(
        name="苏州二号有限公司", established_on=dt.date(2021, 3, 1), registered_capital_wan=Decimal("900")
    )
    assert names(city="310117") == ["松江一号有限公司"]
    assert names(status="revoked") == ["松江一号有限公司"]
    assert names(industry="I") == ["松江一号有限公司"]
    assert names(industry="C3973") == ["苏州二号有限公司"]
    assert names(year="2021") == ["苏州二号有限公司"]
    assert names(capital_min="100") == ["苏州二号有限公司"]
    assert names(capital_max="100") == ["松江一号有限公司"]
    assert names(q="有限", city="320500", capital_min="500", capital_max="1000") == ["苏州二号有限公司"]


def test_sorting_and_pagination() -> None:
    for capital in (30, 10, 20):
        EnterpriseFactory(registered_capital_wan=Decimal(capital))
    query = enterprise_query_parse({"sort": "-capital", "limit": "2"})
    items, count, _capped = enterprise_page(query)
    assert count == 3
    assert [int(e.registered_capital_wan) for e in items] == [30, 20]
    query = enterprise_query_parse({"sort": "-capital", "limit": "2", "offset": "2"})
    items, count, _capped = enterprise_page(query)
    assert [int(e.registered_capital_wan) for e in items] == [10]
    assert count == 3


def test_the_index_follows_renames_and_archives(register: dict[str, object]) -> None:
    chip = register["chip"]
    enterprise_update(acting_user=None, enterprise=chip, name="苏州华微科技有限公司")  # type: ignore[arg-type]
    assert names(q="芯链") == []
    assert names(q="华微") == ["苏州华微科技有限公司"]
    enterprise_archive(acting_user=None, enterprise=register["link"], reason="merged")  # type: ignore[arg-type]
    assert names(q="链华") == []


def test_a_text_search_in_one_city_follows_a_move(register: dict[str, object]) -> None:
    # On SQLite the city is part of the full-text index (migration registry/0009): a move must reach it.
    from g60.regions.models import City
    from g60.registry.models import Enterprise

    assert names(q="芯链", city="320500") == ["苏州华芯链科技有限公司"]
    assert names(q="芯链", city="330400") == []
    jiaxing = City.objects.get(code="330400")
    enterprise_update(acting_user=None, enterprise=register["chip"], city=jiaxing)  # type: ignore[arg-type]
    assert names(q="芯链", city="330400") == ["苏州华芯链科技有限公司"]
    assert names(q="芯链", city="320500") == []
    # (The factory registers every enterprise in Suzhou unless told otherwise.)
    assert names(q="芯", city="320500") == ["嘉兴芯远医药有限公司"]
    # An UPDATE of the city alone (no search_text in it) reaches the index too.
    Enterprise.objects.filter(pk=register["chip"].pk).update(city_id="320500")  # type: ignore[attr-defined]
    assert names(q="芯链", city="320500") == ["苏州华芯链科技有限公司"]
    assert names(q="芯链", city="330400") == []


def test_a_number_in_a_name_is_not_matched_against_city_codes() -> None:
    from g60.regions.models import City
    from g60.registry.selectors import enterprise_names_containing

    EnterpriseFactory(name="苏州330400号科技有限公司")
    EnterpriseFactory(name="嘉兴星河科技有限公司", city=City.objects.get(code="330400"))
    assert enterprise_names_containing(city_code="320500", texts=["330400"]) == ["苏州330400号科技有限公司"]
    # The Jiaxing company's city code is 330400, its name holds no such number.
    assert enterprise_names_containing(city_code="330400", texts=["330400"]) == []
    assert enterprise_names_containing(city_code="330400", texts=["3304"]) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"city": "110000"}, "city"),
        ({"status": "x"}, "status"),
        ({"year": "abc"}, "year"),
        ({"limit": "1000"}, "limit"),
        ({"capital_min": "-5"}, "capital_min"),
        ({"sort": "evil"}, "sort"),
        ({"industry": "Z12"}, "industry"),
        ({"capital_min": "10", "capital_max": "5"}, "capital_max"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_bad_parameters_name_the_field(params: dict[str, str], field: str) -> None:
    assert field in enterprise_query_parse(params).errors


def test_punctuation_only_query_finds_nothing(register: dict[str, object]) -> None:
    assert names(q='"*()') == []


def test_highlight_escapes_and_marks() -> None:
    assert highlight("<b>华芯链</b>", "芯链") == "&lt;b&gt;华<mark>芯链</mark>&lt;/b&gt;"


def test_masking_person_names() -> None:
    assert mask_person_name("张晓明") == "张*明"
    assert mask_person_name("张三") == "张*"
    assert mask_person_name("欧阳建国") == "欧**国"


def test_counts_stop_at_the_cap(register: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    from g60.registry import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    items, count, capped = enterprise_page(enterprise_query_parse({"q": "有限", "limit": "1"}))
    assert (len(items), count, capped) == (1, 2, True)
    items, count, capped = enterprise_page(enterprise_query_parse({"q": "芯", "limit": "1"}))
    assert (count, capped) == (2, False)


@pytest.mark.parametrize("probe_rows", [5, 12, 30, 1_000])
def test_dense_and_sparse_matches_give_the_same_pages_whichever_plan(
    monkeypatch: pytest.MonkeyPatch, probe_rows: int
) -> None:
    """On PostgreSQL a text search first reads PROBE_ROWS rows in register order, then falls back to the GIN
    index (selectors._postgres_page); with windows of 5, 12 and 30 rows both paths run here. The answer must not
    depend on the path: the first pages in register order, the right counts, the cap."""
    from g60.registry import selectors

    monkeypatch.setattr(selectors, "PROBE_ROWS", probe_rows)
    monkeypatch.setattr(selectors, "COUNT_CAP", 12)
    names = [f"苏州芯{i}科技有限公司" if i % 3 else f"苏州鼎{i}贸易有限公司" for i in range(40)]
    names[5] = "苏州独一无二有限公司"
    for name in names:
        EnterpriseFactory(name=name)
    dense = [n for n in names if "芯" in n]  # 26 of 40, in register order
    sparse = [n for n in names if "鼎" in n]  # 14 of 40

    def page(**params: str) -> tuple[list[str], int, bool]:
        items, count, capped = enterprise_page(enterprise_query_parse({**params, "limit": "4"}))
        return [e.name for e in items], count, capped

    assert page(q="芯") == (dense[:4], 12, True)
    assert page(q="芯", offset="8") == (dense[8:12], 12, True)
    assert page(q="鼎") == (sparse[:4], 12, True)
    assert page(q="鼎", offset="4") == (sparse[4:8], 12, True)
    assert page(q="鼎", offset="12") == (sparse[12:14], 12, True)
    assert page(q="独一无二") == (["苏州独一无二有限公司"], 1, False)
    assert page(q="贸易", city="320500") == (sparse[:4], 12, True)
    # In one city without statistics (the test's rows are not analysed), PostgreSQL counts through the GIN index.
    assert page(q="芯", city="320500") == (dense[:4], 12, True)
    assert page(q="芯", city="330400") == ([], 0, False)


@pytest.mark.parametrize("analysed", [False, True])
def test_a_text_in_one_city_is_counted_the_same_whichever_way(monkeypatch: pytest.MonkeyPatch, analysed: bool) -> None:
    """PostgreSQL counts a text in one city by reading the city's rows in order when the text is common there
    (the share the first page's probe saw, against the city's share in the statistics ANALYZE keeps), else
    through the GIN index holding the city; without statistics it takes the GIN index. Same answers either way."""
    from django.test.utils import CaptureQueriesContext

    from g60.registry import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 12)
    suzhou = [f"苏州芯{i}科技有限公司" if i % 2 else f"苏州鼎{i}贸易有限公司" for i in range(30)]
    for i, name in enumerate(suzhou):
        EnterpriseFactory(name=name, city_id="320500")
        EnterpriseFactory(name=f"嘉兴星{i}科技有限公司", city_id="330400")
    if analysed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_enterprise")  # inside the test's transaction, rolled back with it
    expected = [n for n in suzhou if "科技" in n]  # 15 of Suzhou's 30, in register order

    def page(**params: str) -> tuple[list[str], int, bool]:
        items, count, capped = enterprise_page(enterprise_query_parse({**params, "limit": "4"}))
        return [e.name for e in items], count, capped

    with CaptureQueriesContext(connection) as queries:
        assert page(q="科技", city="320500") == (expected[:4], 12, True)
    assert page(q="科技", city="320500", offset="4") == (expected[4:8], 12, True)
    assert page(q="科技", city="320500", status="suspended") == ([], 0, False)
    assert page(q="贸易", city="330400") == ([], 0, False)
    if connection.vendor == "postgresql":
        (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        # Read in order (the phrase as LIKE alone) with statistics; through the GIN index (@@) without them.
        assert ("@@" in count) is not analysed


@pytest.mark.parametrize("stale", [-1_000_000, -3, 0, 4, 7, 1_000_000])
def test_a_stale_cached_first_id_changes_no_answer(monkeypatch: pytest.MonkeyPatch, stale: int) -> None:
    """The first id is cached for a minute (PostgreSQL): rows deleted since (a smaller cached id) or a register
    emptied and refilled with a restarted sequence (a larger one) may slow a search, never change its answer."""
    from g60.registry import selectors

    monkeypatch.setattr(selectors, "PROBE_ROWS", 6)
    names = [f"苏州芯{i}科技有限公司" for i in range(10)]
    first = EnterpriseFactory(name=names[0])
    for name in names[1:]:
        EnterpriseFactory(name=name)
    selectors.FIRST_ID.put(first.pk + stale)
    items, count, capped = enterprise_page(enterprise_query_parse({"q": "芯", "limit": "4"}))
    assert ([e.name for e in items], count, capped) == (names[:4], 10, False)
    items, count, capped = enterprise_page(enterprise_query_parse({"q": "芯", "limit": "4", "offset": "8"}))
    assert ([e.name for e in items], count, capped) == (names[8:], 10, False)


def test_cjk_phrase_is_the_query_of_ideographs_only() -> None:
    from g60.registry.search_text import cjk_phrase

    assert cjk_phrase("芯链") == ["芯", "链"]
    assert cjk_phrase(" 华芯（链） ") == ["华", "芯", "链"]  # punctuation and spaces are not tokens
    assert cjk_phrase("𠀀芯") == ["𠀀", "芯"]  # an ideograph beyond the basic plane
    assert cjk_phrase("芯A链") is None  # a Latin word between: the tsquery phrase answers
    assert cjk_phrase("Ｘ芯") is None  # a full-width letter is a token, not an ideograph
    assert cjk_phrase("semi") is None
    assert cjk_phrase("（）") is None


@pytest.mark.parametrize(
    ("name", "name_en", "paired"),
    [
        ("华芯链科技有限公司", "Xin Co., Ltd.", "华芯 芯链 链科 科技 技有 有限 限公 公司 司 xin co ltd"),
        ("芯", "", "芯"),
        ("", "Semi Co", "semi co"),
        ("G60科创（上海）Ｘ芯", "", "g60 科创 创上 上海 海 ｘ 芯"),  # a Latin word or a full-width letter: no pair
        ("嘉兴𠀀芯有限公司", "", "嘉兴 兴𠀀 𠀀芯 芯有 有限 限公 公司 司"),  # beyond the basic plane
        ("华为", "华为技术", "华为 为华 华为 为技 技术 术"),  # the names' tokens run on, as the phrases always did
    ],
)
def test_postgresql_search_text_pairs_each_ideograph_with_the_next(name: str, name_en: str, paired: str) -> None:
    """PostgreSQL's form of the search text (search_text.py): one lexeme per token, an ideograph followed by
    another paired with it; the common shape's shortcut gives what the token list gives."""
    from g60.registry.search_text import paired_tokens, search_text_for, tsquery

    assert search_text_for(name, name_en, pairs=True) == paired
    unpaired = search_text_for(name, name_en)
    assert " ".join(paired_tokens(unpaired.split(" "))) == paired
    assert len(paired.split(" ")) == len(unpaired.split(" "))  # positions are kept
    assert tsquery("华芯链") == "'华芯' <-> '芯链' <-> '链':*"
    assert tsquery("芯") == "'芯':*"


TRICKY_NAMES = [
    "苏州华芯（链）科技有限公司",  # punctuation between 芯 and 链: the tokens are adjacent
    "杭州芯A链科技有限公司",  # a Latin letter between: they are not
    "合肥芯芯链有限公司",
    "嘉兴𠀀芯有限公司",
    "芜湖Ｘ芯链电子有限公司",
    "宣城链芯贸易有限公司",
    "金华华芯链科技有限公司",
]


@pytest.mark.parametrize("probe_rows", [1, 1_000])
@pytest.mark.parametrize("q", ["芯链", "芯芯", "芯", "华芯链科技", "𠀀芯", "链芯", "链科", "ｘ芯", "芯a链"])
def test_a_text_finds_the_rows_whose_tokens_hold_it_whichever_test_and_plan(
    monkeypatch: pytest.MonkeyPatch, probe_rows: int, q: str
) -> None:
    """A substring of a name is a run of consecutive tokens (search_text.py); FTS5 phrases on SQLite, and on
    PostgreSQL LIKE on the search text for ideographs (through the covering index in order, or after the GIN
    index: PROBE_ROWS 1 forces the second) or the tsquery phrase otherwise, must all find those rows and no other.
    An archived row holding every text is never found."""
    from g60.registry import selectors
    from g60.registry.search_text import search_text_for, tokens

    monkeypatch.setattr(selectors, "PROBE_ROWS", probe_rows)
    for name in TRICKY_NAMES:
        EnterpriseFactory(name=name)
    every = EnterpriseFactory(name="湖州芯芯链华芯链科技𠀀芯链芯Ｘ芯芯A链有限公司")
    enterprise_archive(acting_user=None, enterprise=every, reason="merged")
    phrase = " ".join(tokens(q))
    expected = sorted(n for n in TRICKY_NAMES if f" {phrase} " in f" {search_text_for(n)} ")
    assert expected  # every query finds something here
    assert names(q=q, limit="100") == expected
    if connection.vendor == "postgresql":
        # The phrase on the stored vector (what the GIN index answers) agrees with the substring.
        from g60.registry.search_text import tsquery

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM registry_enterprise WHERE NOT archived AND search_vector @@ to_tsquery('simple', %s)",
                [tsquery(q)],
            )
            assert sorted(name for (name,) in cursor.fetchall()) == expected


@pytest.mark.parametrize("gin_pairs", [1, 2, 3, 99])
def test_the_gin_index_asked_for_the_rarest_pairs_finds_the_same_rows(
    monkeypatch: pytest.MonkeyPatch, gin_pairs: int
) -> None:
    """On PostgreSQL the GIN index is asked for a long phrase's rarest pairs of characters only (from the
    statistics of ANALYZE), and the LIKE tests the whole phrase: the same rows as asking for every pair, whichever
    and however few pairs are asked for. Without statistics every pair is asked for."""
    from django.test.utils import CaptureQueriesContext

    from g60.registry import selectors

    monkeypatch.setattr(selectors, "PROBE_ROWS", 1)  # the GIN index answers
    monkeypatch.setattr(selectors, "GIN_PAIRS", gin_pairs)
    for i in range(40):
        EnterpriseFactory(name=f"苏州科技{i}有限公司")
    for name in TRICKY_NAMES:
        EnterpriseFactory(name=name)
    everything = ["华芯链科技", "苏州华芯链科技有限公司", "芯链科技有限公司", "链科技有限", "芯芯链有限公司"]
    before = {q: names(q=q, limit="100") for q in everything}
    assert before["华芯链科技"] == ["苏州华芯（链）科技有限公司", "金华华芯链科技有限公司"]
    assert before["芯芯链有限公司"] == ["合肥芯芯链有限公司"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_enterprise")  # inside the test's transaction, rolled back with it
    selectors.LEXEME_SHARES.forget()
    query = enterprise_query_parse({"q": "苏州华芯链科技有限公司"})
    hint = selectors._gin_pairs(query)
    if connection.vendor != "postgresql" or gin_pairs == 99:
        assert hint == ()
    else:
        # 苏州, 科技, 有限, 限公 and 公司 are in every row here: the rarest pairs are among 州华 华芯 芯链 链科 技有.
        pairs = [query.q[i : i + 2] for i in range(len(query.q) - 1)]
        assert len(hint) == gin_pairs
        assert not {"苏州", "科技", "有限", "限公", "公司"} & {pairs[i] for i in hint}
        with CaptureQueriesContext(connection) as queries:
            enterprise_page(query)
        (ids,) = [q["sql"] for q in queries.captured_queries if "to_tsquery" in q["sql"]]
        assert "有限" not in ids.split("to_tsquery")[1]
        assert "公司" not in ids.split("to_tsquery")[1]
    assert {q: names(q=q, limit="100") for q in everything} == before


@pytest.mark.parametrize(("q", "probed"), [("科技", True), ("琮璟", False), ("琮", True), ("苏州琮", False)])
def test_a_phrase_with_a_rare_pair_goes_to_the_gin_index_at_once(
    monkeypatch: pytest.MonkeyPatch, q: str, probed: bool
) -> None:
    """On PostgreSQL, when the statistics say a pair of the phrase's characters is too rare for PROBE_ROWS rows
    to hold a page of matches, the first page's probe is skipped and the GIN index answers; the answer is the
    same. A single character is always probed (its pairs may be missing from the statistics while it is common)."""
    from django.test.utils import CaptureQueriesContext

    from g60.registry import selectors

    monkeypatch.setattr(selectors, "PROBE_ROWS", 10)
    names = [f"苏州科技{i}有限公司" for i in range(12)]
    names[7] = "苏州琮璟科技有限公司"
    for name in names:
        EnterpriseFactory(name=name)
    # 琮璟 and 州琮 are not among the common pairs: half the least listed share, 0.45 × 10 rows < a page of 5.
    common = dict.fromkeys(["苏州", "州科", "有限", "限公", "公司", "司"], 1.0) | {"科技": 0.9, "技": 0.9}
    selectors.LEXEME_SHARES.put(common)
    with CaptureQueriesContext(connection) as queries:
        items, count, capped = enterprise_page(enterprise_query_parse({"q": q, "limit": "5"}))
    expected = [n for n in names if q in n]
    assert ([e.name for e in items], count, capped) == (expected[:5], len(expected), False)
    if connection.vendor == "postgresql":
        probes = [s for s in (q["sql"] for q in queries.captured_queries) if "IN (SELECT" in s]
        assert bool(probes) is probed


@pytest.mark.parametrize("q", ["Semicon", "华芯"])
def test_a_page_smaller_than_the_rows_before_the_first_match(q: str) -> None:
    """Matches after rows that do not match, in pages of one. On PostgreSQL the probe selects the page's ids in
    a subquery whose text test (a Latin word's tsquery, a CJK phrase's LIKE) must read the subquery's own rows:
    the probe then answers with the page and the count after it (two statements); a test reading the outer
    row's columns would make the probe come back empty and the GIN index answer instead (three)."""
    from django.test.utils import CaptureQueriesContext

    for i in range(6):
        EnterpriseFactory(name=f"苏州鼎{i}贸易有限公司", name_en=f"Suzhou Ding {i} Trading")
    for i in range(3):
        EnterpriseFactory(name=f"苏州华芯{i}号有限公司", name_en=f"Suzhou Semiconductor {i}")
    pages = []
    for i in range(3):
        with CaptureQueriesContext(connection) as statements:
            pages.append(enterprise_page(enterprise_query_parse({"q": q, "limit": "1", "offset": str(i)})))
        if connection.vendor == "postgresql" and i > 0:  # (the first page also reads the first id)
            assert len(statements) == 2
    assert [([e.name for e in items], count) for items, count, _capped in pages] == [
        ([f"苏州华芯{i}号有限公司"], 3) for i in range(3)
    ]
