"""Reads of the enterprise register: one search (name substring, English name, USCC prefix, filters) used by the
pages, the API and the export, and what each kind of user may see of an enterprise."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from g60.accounts.permissions import Action, can
from g60.core.process_copy import ProcessCopy
from g60.core.query_plans import custom_plans
from g60.core.rows import Shape, row_get, row_values
from g60.core.statements import Statement, statement
from g60.regions.selectors import cities_by_code
from g60.registry.constants import EnterpriseStatus
from g60.registry.identifiers import USCC_CHARSET, mask_resident_id
from g60.registry.industry import SECTION_BY_LETTER
from g60.registry.models import Enterprise, EnterpriseFormerName
from g60.registry.search_text import cjk_phrase, fts5_query_any, paired_phrase_text, phrase_pairs, tsquery_any

if TYPE_CHECKING:
    from g60.accounts.permissions import AnyUser

if TYPE_CHECKING or connection.vendor == "postgresql":
    # With the module, not at the first detail lookup: a server worker's first detail paid the import (10-48
    # ms) and the clients queued behind it. Not on SQLite, where it would load psycopg for nothing (≈ 9 MB, of
    # the import command's 300 MB budget too).
    from django.contrib.postgres.expressions import ArraySubquery

MAX_LIMIT = 100
# The furthest offset a search may ask for (the search page's last page follows from it).
MAX_OFFSET = 10_000_000
# Counting every match of a one-character query in millions of rows costs more than the page itself; counts stop
# here and the answer says the count is "at least" (API: count_capped).
COUNT_CAP = 1_000
SORTS = {
    # Register order (the order rows were added): the indexes give the first page without sorting every match.
    "": ["id"],
    "name": ["name", "uscc"],
    "-name": ["-name", "uscc"],
    "established_on": ["established_on", "uscc"],
    "-established_on": ["-established_on", "uscc"],
    "capital": ["registered_capital_wan", "uscc"],
    "-capital": ["-registered_capital_wan", "uscc"],
    "uscc": ["uscc"],
}
_USCC_PREFIX = re.compile(rf"^[{USCC_CHARSET}]{{2,18}}$")
_INDUSTRY = re.compile(r"^[A-T](\d{2}(\d(\d)?)?)?$")


@dataclass
class EnterpriseQuery:
    """A validated search: the same for the search page, the API and the export."""

    q: str = ""
    city: str = ""
    status: str = ""
    industry: str = ""
    year: int | None = None
    capital_min: Decimal | None = None
    capital_max: Decimal | None = None
    sort: str = ""
    limit: int = 20
    offset: int = 0
    errors: dict[str, list[Any]] = field(default_factory=dict)
    # A plan hint the search sets itself (never read from a request): the positions of the phrase's pairs of
    # characters that PostgreSQL's GIN index is asked for, the rarest ones (_gin_pairs); empty: every pair.
    gin_pairs: tuple[int, ...] = ()

    def as_params(self) -> dict[str, str]:
        """The query's non-empty parameters (for links and the export's audit record)."""
        values = {
            "q": self.q,
            "city": self.city,
            "status": self.status,
            "industry": self.industry,
            "year": "" if self.year is None else str(self.year),
            "capital_min": "" if self.capital_min is None else str(self.capital_min),
            "capital_max": "" if self.capital_max is None else str(self.capital_max),
            "sort": self.sort,
        }
        return {key: value for key, value in values.items() if value}


def _int(raw: str, name: str, errors: dict[str, list[Any]], low: int, high: int) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        errors[name] = [_("A whole number.")]
        return None
    if not low <= value <= high:
        errors[name] = [_("Between %(low)d and %(high)d.") % {"low": low, "high": high}]
        return None
    return value


def _decimal(raw: str, name: str, errors: dict[str, list[Any]]) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors[name] = [_("A non-negative decimal number (10,000 yuan).")]
        return None
    if not value.is_finite() or value < 0:
        errors[name] = [_("A non-negative decimal number (10,000 yuan).")]
        return None
    return value


def enterprise_query_parse(params: Any, *, default_limit: int = 20) -> EnterpriseQuery:
    """Read and check the search parameters; `errors` names each bad field and its rule (the caller answers 422
    in the API, or shows the errors on the page)."""

    errors: dict[str, list[Any]] = {}

    def get(name: str) -> str:
        value = params.get(name)
        text = "" if value is None else str(value).strip()
        if "\x00" in text:
            # PostgreSQL refuses a NUL in text (the export's audit record of the query answered 500).
            errors[name] = [ProhibitNullCharactersValidator.message]
            return ""
        return text

    query = EnterpriseQuery(q=get("q")[:100], limit=default_limit)
    if city := get("city"):
        if city not in cities_by_code():
            errors["city"] = [_("The division code of one of the nine corridor cities, e.g. 310117.")]
        query.city = city
    if status := get("status"):
        if status not in EnterpriseStatus.values:
            errors["status"] = [_("One of: %(choices)s.") % {"choices": ", ".join(EnterpriseStatus.values)}]
        query.status = status
    if industry := get("industry").upper():
        if not _INDUSTRY.match(industry) or industry[0] not in SECTION_BY_LETTER:
            errors["industry"] = [_("A GB/T 4754 section letter (e.g. C) or class code (e.g. C3973).")]
        query.industry = industry
    if year := get("year"):
        query.year = _int(year, "year", errors, 1900, 2100)
    if raw := get("capital_min"):
        query.capital_min = _decimal(raw, "capital_min", errors)
    if raw := get("capital_max"):
        query.capital_max = _decimal(raw, "capital_max", errors)
    if query.capital_min is not None and query.capital_max is not None and query.capital_min > query.capital_max:
        errors["capital_max"] = [_("The maximum capital must not be below the minimum.")]
    if sort := get("sort"):
        if sort not in SORTS:
            errors["sort"] = [_("One of: %(choices)s.") % {"choices": ", ".join(s for s in SORTS if s)}]
        else:
            query.sort = sort
    if limit := get("limit"):
        query.limit = _int(limit, "limit", errors, 1, MAX_LIMIT) or default_limit
    if offset := get("offset"):
        query.offset = _int(offset, "offset", errors, 0, MAX_OFFSET) or 0
    query.errors = errors
    return query


def _is_uscc_prefix(q: str) -> bool:
    """USCC characters only, with a digit: a (partial) code, not an English word."""
    return bool(_USCC_PREFIX.match(q)) and any(ch.isdigit() for ch in q)


# The same test as the GIN index's, on an expression the index cannot answer (it indexes the bare column): the
# planner then reads rows in primary-key or table order and stops at the LIMIT (see _postgres_page). A planner
# setting (enable_bitmapscan) would do the same but needs a transaction around the query: three more round trips.
# The column is not qualified by its table: inside a subquery (the probe's ids, _postgres_page) Django names the
# table by an alias, and an unqualified name is the innermost table's; the city, the only table joined, has no
# such column.
_UNINDEXED_TEXT_MATCH = "coalesce(search_vector, ''::tsvector) @@ to_tsquery('simple', %s)"
_INDEXED_TEXT_MATCH = "search_vector @@ to_tsquery('simple', %s)"


def _postgres_text_match(
    queryset: QuerySet[Enterprise], texts: list[str], *, text_index: bool, gin_pairs: tuple[int, ...] = ()
) -> QuerySet[Enterprise]:
    """PostgreSQL: rows holding any of `texts`, from the GIN index or (`text_index=False`) tested row by row.

    When every text is a phrase of CJK ideographs (search_text.cjk_phrase), a row holds it exactly when its
    search text (PostgreSQL's paired form) contains the phrase's pairs (`search_text LIKE '%芯链 链科%'`), or
    its one ideograph. Row by row, that test reads the search text alone, which the covering index registry/0010
    holds in id order, so the reads are index-only, and it is cheaper than the phrase on the stored vector
    besides. Through the GIN index, the rows holding all of the phrase's pairs (`&`, which the index answers
    without a recheck) are then tested the same way: the rows of the phrase query, with a cheaper test per
    candidate; a single ideograph is a prefix of its lexemes (`'芯':*`), which the index answers exactly. Latin
    words and prefixes keep the tsquery phrase. `gin_pairs` (one text only): the index is asked for those of the
    phrase's pairs alone, the LIKE still tests the whole phrase (_gin_pairs says why).
    """
    phrases = [cjk_phrase(text) for text in texts]
    cjk = [phrase for phrase in phrases if phrase is not None]
    if len(cjk) != len(texts):
        text = tsquery_any(texts)
        if text is None:
            return queryset.none()
        where = _INDEXED_TEXT_MATCH if text_index else _UNINDEXED_TEXT_MATCH
        return queryset.extra(where=[where], params=[text])  # noqa: S610 - a fixed clause; the query is a parameter
    contains = _contains_any(queryset, [paired_phrase_text(phrase) for phrase in cjk])
    if not text_index:
        return contains
    indexed = contains if any(len(phrase) > 1 for phrase in cjk) else queryset  # one character: the index is exact
    lexemes: list[list[str]] = []
    for phrase in cjk:
        if len(phrase) == 1:
            lexemes.append([f"'{phrase[0]}':*"])
            continue
        pairs = phrase_pairs(phrase)
        chosen = [pairs[position] for position in gin_pairs] if gin_pairs and len(cjk) == 1 else pairs
        lexemes.append([f"'{pair}'" for pair in chosen])
    every_pair = " | ".join("(" + " & ".join(phrase) + ")" for phrase in lexemes)
    return indexed.extra(where=[_INDEXED_TEXT_MATCH], params=[every_pair])  # noqa: S610 - a fixed clause


def _contains_any(queryset: QuerySet[Enterprise], texts: list[str]) -> QuerySet[Enterprise]:
    """Rows whose search_text contains any of `texts` (LIKE '%芯 链%'; Django escapes the wildcards)."""
    matches = Q()
    for text in texts:
        matches |= Q(search_text__contains=text)
    return queryset.filter(matches)


def _text_match(
    queryset: QuerySet[Enterprise],
    texts: list[str],
    *,
    text_index: bool = True,
    city: str = "",
    gin_pairs: tuple[int, ...] = (),
) -> QuerySet[Enterprise]:
    """Rows whose name (or English name) holds any of `texts`: phrase queries on the per-character index
    (PostgreSQL: `text_index=False` tests the phrases row by row instead). On SQLite, `city` narrows the
    full-text match itself to that city (the caller still filters on the city: PostgreSQL's GIN index takes
    it from there)."""
    if connection.vendor == "postgresql":
        # search_vector: to_tsvector('simple', search_text), stored (migration registry/0005).
        return _postgres_text_match(queryset, texts, text_index=text_index, gin_pairs=gin_pairs)
    fts = fts5_query_any(texts, city=city)
    if fts is None:
        return queryset.none()
    # A join driven by the FTS5 table (not `id IN (subquery)`, which materialises every match first): in rowid
    # order, FTS5 hands out matches lazily, so the first page and the capped count stop early.
    return queryset.extra(
        select={"fts_rowid": "registry_enterprise_fts.rowid"},
        tables=["registry_enterprise_fts"],
        where=["registry_enterprise_fts.rowid = registry_enterprise.id", "registry_enterprise_fts MATCH %s"],
        params=[fts],
    )


def _indexed_filter(
    queryset: QuerySet[Enterprise], not_leading: bool, column: str, op: str, value: str
) -> QuerySet[Enterprise]:
    """A filter on an indexed text column. With `not_leading` on SQLite, the column is written `+column`, which
    keeps SQLite's planner from starting at the column's B-tree index: when the FTS5 table drives the query (else
    the planner may probe the FTS table once per row of a common city or status: seconds on a million rows), or
    when a broad filter would otherwise be read whole and sorted instead of walking the sort's index."""
    if not not_leading or connection.vendor != "sqlite":
        return queryset.filter(**{f"{column}__{op}": value})
    sql_op = {"exact": "=", "gte": ">=", "lte": "<=", "lt": "<"}[op]
    return queryset.extra(where=[f"+registry_enterprise.{column} {sql_op} %s"], params=[value])  # noqa: S610


_USCC_STARTS_WITH = "coalesce(uscc LIKE %s, false)"  # unqualified, as _INDEXED_TEXT_MATCH


def _uscc_starts_with(queryset: QuerySet[Enterprise], prefix: str) -> QuerySet[Enterprise]:
    """The exact prefix test beside the range on the unique index. PostgreSQL multiplies the range's estimate by
    the LIKE's as if they were independent (1 row expected where 6,000 match for 913101170 on a million rows),
    so it fetched and sorted every match instead of walking the unique index in code order and stopping at the
    page (35 ms → 0.3 ms). Inside coalesce() the test is estimated at one row in two and the plan walks the
    index; the answer is the same."""
    if connection.vendor != "postgresql":
        return queryset.filter(uscc__startswith=prefix)
    # The prefix is USCC characters only (_USCC_PREFIX): no LIKE wildcard to escape.
    return queryset.extra(where=[_USCC_STARTS_WITH], params=[prefix + "%"])  # noqa: S610 - a fixed clause


def enterprise_search(query: EnterpriseQuery, *, text_index: bool = True) -> QuerySet[Enterprise]:
    """The public register's enterprises matching the query (archived ones are off the register), sorted.
    `text_index=False`: PostgreSQL tests a text query row by row (see _postgres_page)."""
    queryset = Enterprise.objects.filter(archived=False).select_related("city")
    q = query.q
    fts_driven = False
    if q:
        upper = q.upper()
        if _is_uscc_prefix(upper):
            # A range on the unique index (works under any collation), then the exact prefix test.
            queryset = _uscc_starts_with(queryset.filter(uscc__gte=upper, uscc__lt=upper + "\uffff"), upper)
        else:
            queryset = _text_match(queryset, [q], text_index=text_index, city=query.city, gin_pairs=query.gin_pairs)
            fts_driven = "fts_rowid" in queryset.query.extra
    if query.city:
        queryset = _indexed_filter(queryset, fts_driven, "city_id", "exact", query.city)
    if query.status:
        queryset = _indexed_filter(queryset, fts_driven, "status", "exact", query.status)
    if query.industry:
        if len(query.industry) == 5:
            queryset = _indexed_filter(queryset, fts_driven, "industry_code", "exact", query.industry)
        else:
            # A section, division or group spans many classes (a section is a sixth of the register): with an
            # explicit sort, walking the sort column's index and skipping other industries finds the first page
            # sooner (4 ms on a million rows) than reading the whole range and sorting it (400 ms).
            broad = fts_driven or query.sort.lstrip("-") in {"name", "established_on", "uscc"}
            queryset = _indexed_filter(queryset, broad, "industry_code", "gte", query.industry)
            queryset = _indexed_filter(queryset, broad, "industry_code", "lt", query.industry + "\uffff")
    if query.year is not None:
        # ISO dates compare as text on SQLite and as dates on PostgreSQL.
        queryset = _indexed_filter(queryset, fts_driven, "established_on", "gte", f"{query.year:04d}-01-01")
        queryset = _indexed_filter(queryset, fts_driven, "established_on", "lte", f"{query.year:04d}-12-31")
    if query.capital_min is not None:
        queryset = queryset.filter(registered_capital_wan__gte=query.capital_min)
    if query.capital_max is not None:
        queryset = queryset.filter(registered_capital_wan__lte=query.capital_max)
    if not query.sort and q:
        if _is_uscc_prefix(q.upper()):
            # A code prefix reads in code order, straight from the unique index.
            return queryset.order_by("uscc")
        if fts_driven:
            return _in_register_order(queryset)
    return queryset.order_by(*SORTS[query.sort])


def _in_register_order(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The order rows were added. When SQLite's FTS table drives the query, that is its rowid order, which FTS5
    gives without sorting; otherwise the primary key's."""
    if "fts_rowid" in queryset.query.extra:
        return queryset.order_by(RawSQL("registry_enterprise_fts.rowid", []).asc())
    return queryset.order_by("id")


# PostgreSQL text searches (see _postgres_page): how many rows in register order the first page may read before
# the search falls back to the GIN index, and the share of matching rows above which counting by reading rows in
# order beats fetching every match the index finds (≈1 µs per row read against ≈7 µs per match fetched and
# rechecked, measured on a million rows: the two cross near 1.2 %).
PROBE_ROWS = 10_000
DENSE_SHARE = 0.015
# The same for a text in one city, as a share of that city's rows: the count reads the city's rows in order from
# the covering index of registry/0011, where the GIN index intersects the text's and the city's posting lists
# (9-12 ms for a common text on a million rows, whatever the share).
CITY_DENSE_SHARE = 0.03


def _read_first_id() -> int | None:
    return Enterprise.objects.order_by("id").values_list("id", flat=True).first()


# The register's first id, per process. A stale value is never wrong, only slower: ids only grow, so if the first
# rows were deleted since, the probe window holds fewer rows and a sparse search falls back to the GIN index.
FIRST_ID = ProcessCopy(_read_first_id, usable=lambda first_id: first_id is not None)


def _most_common_shares(column: str, *, elements: bool = False) -> dict[str, float]:
    """The most common values of a register column (`elements`: of the elements of its values, e.g. a text
    vector's lexemes) and the share of rows holding each, from PostgreSQL's statistics (pg_stats, kept by
    ANALYZE); {} without statistics."""
    values, shares = (
        ("most_common_elems", "most_common_elem_freqs") if elements else ("most_common_vals", "most_common_freqs")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {values}::text::text[], {shares} FROM pg_stats "  # noqa: S608 - fixed column names
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [Enterprise._meta.db_table, column],
        )
        row = cursor.fetchone()
    # An element's shares end with three more numbers (their least, their greatest, the share of empty values).
    return dict(zip(row[0], row[1][: len(row[0])], strict=True)) if row and row[0] else {}


# Each city's share of the register from PostgreSQL's statistics (pg_stats, kept by ANALYZE), per process: only
# the choice between two ways of counting depends on it, so an old or missing value never changes an answer.
CITY_SHARES = ProcessCopy(lambda: _most_common_shares("city_id"))


# The share of the register's rows holding each of the search vector's most common lexemes (pairs of characters,
# a name's last character, Latin words), from PostgreSQL's statistics, per process; like CITY_SHARES, it only
# chooses a plan.
LEXEME_SHARES = ProcessCopy(lambda: _most_common_shares("search_vector", elements=True))


def _pair_shares(phrase: list[str]) -> list[float] | None:
    """The share of the register's rows holding each pair of a CJK phrase of two or more characters, by
    PostgreSQL's statistics of the search vector (None without them). A pair outside the statistics' most common
    lexemes is given half the least share among them, as PostgreSQL's own estimate does: rarer than every listed
    one."""
    shares = LEXEME_SHARES.get()
    if not shares:
        return None
    unlisted = min(shares.values()) / 2
    return [shares.get(pair, unlisted) for pair in phrase_pairs(phrase)]


# How many of a sparse phrase's pairs the GIN index is asked for.
GIN_PAIRS = 3


def _gin_pairs(query: EnterpriseQuery) -> tuple[int, ...]:
    """The positions of the (at most GIN_PAIRS) rarest distinct pairs of a PostgreSQL search's CJK phrase, those
    the GIN index is asked for; () for every pair (a short phrase, no statistics).

    The index ANDs the posting lists of the pairs it is asked for, and a full name ends in 有限, 限公 and 公司,
    in most rows of the register: asking for every pair of 苏州华芯链科技有限公司 reads their long lists for
    nothing, where its rarest pairs find the few rows to test with the LIKE, which tests the whole phrase all the
    same. (With one lexeme per character, the three rarest characters instead of eleven took the name from 54 to
    15 ms on a million rows.)"""
    if connection.vendor != "postgresql" or not query.q or _is_uscc_prefix(query.q.upper()):
        return ()
    phrase = cjk_phrase(query.q)
    if phrase is None:
        return ()
    pairs = phrase_pairs(phrase)
    if len(set(pairs)) <= GIN_PAIRS:
        return ()
    shares = _pair_shares(phrase)
    if shares is None:
        return ()
    chosen: dict[str, int] = {}
    for position in sorted(range(len(pairs)), key=lambda i: (shares[i], i)):
        chosen.setdefault(pairs[position], position)
        if len(chosen) == GIN_PAIRS:
            break
    return tuple(sorted(chosen.values()))


def _too_rare_for_the_probe(query: EnterpriseQuery, need: int) -> bool:
    """Whether a CJK phrase holds a pair so rare, by PostgreSQL's statistics, that PROBE_ROWS rows are not
    expected to hold `need` matches: then the probe would read its window for nothing (≈ 2-5 ms on a million rows)
    and the GIN index, whose posting list for that pair is short, answers at once. Only the plan changes: both give
    the same page. A single character is always probed: its lexemes are its pairs with every character that
    follows it, each of which may be missing from the statistics while the character is in every tenth name,
    and its prefix query would then read them all."""
    phrase = cjk_phrase(query.q) if query.q else None
    shares = _pair_shares(phrase) if phrase is not None and len(phrase) > 1 else None
    return shares is not None and min(shares) * PROBE_ROWS < need


def _dense(query: EnterpriseQuery, share: float | None) -> bool:
    """Whether a PostgreSQL text search whose first page's probe saw `share` of the rows match is counted by
    reading rows in order (else through the GIN index)."""
    if share is None:
        return False
    if not query.city:
        return share >= DENSE_SHARE
    city_share = CITY_SHARES.get().get(query.city)
    return city_share is not None and city_share > 0 and share / city_share >= CITY_DENSE_SHARE


def _postgres_page(query: EnterpriseQuery, shape: _Shape | None) -> tuple[list[Enterprise], float | None, int | None]:
    """The page of a PostgreSQL text search in register order, the share of rows that match (None: unknown) and,
    when the GIN index answered, the number of matches up to COUNT_CAP + 1 (None: not counted yet).

    The GIN index finds every match before anything is sorted or counted: right for a rare name (华芯链科技, 5
    rows: 20 ms), ruinous for a common one (半导体装备, 70,000 rows: 550 ms, each fetched to recheck the phrase).
    Reading in register order and stopping at the page is the reverse: 1 ms for a common name, a full scan for a
    rare one. PostgreSQL estimates a phrase's matches as the product of its characters' frequencies, far too low,
    and picks the GIN index for both. So we read at most PROBE_ROWS rows in order first (a few milliseconds): if
    the page is there, it is the right page (every later row has a larger id); if not, the matches are sparse and
    the GIN index answers.
    """
    need = query.offset + query.limit
    first_id = FIRST_ID.get()
    if first_id is not None and not _too_rare_for_the_probe(query, need):
        items = _objects("probe", query, shape, _probe, window=first_id + PROBE_ROWS)
        if len(items) == query.limit:
            # The span is positive unless the cached first id is from before the register was emptied and
            # refilled with a restarted sequence (tests, demo resets); then the share is unknown.
            span = items[-1].id - first_id + 1
            return items, (need / span if span > 0 else None), None
    if need > COUNT_CAP + 1:
        return _objects("page", query, shape, _page_of), None, None
    # Sparse matches: one pass of the GIN index gives the ids of the first COUNT_CAP + 1 matches in register
    # order, so the page and the count come from it (two passes, one for the page and one to count, rechecked
    # every candidate twice: 芯链 on a million rows 50 ms → 20 ms). The page's rows are then read by id.
    ids = _ids(query, shape)
    return _rows_by_id(ids[query.offset : need]), None, len(ids)


def _probe(query: EnterpriseQuery, extra: Sequence[Any]) -> QuerySet[Enterprise]:
    """The page among the rows of ids below extra[0], the phrase tested row by row (text_index=False). A range of
    PROBE_ROWS ids holds at most PROBE_ROWS rows; finding the PROBE_ROWS-th row itself (an OFFSET on the primary
    key) took 4 ms of every search on a million rows. The window's ids in a subquery, then their rows: for a CJK
    phrase without other filters, PostgreSQL reads the ids and tests the text in the covering index
    (registry/0010) alone and fetches only the page's rows (芯链, sparse: 10,000 index entries instead of 10,000
    rows, 11.8 → 3.8 ms on a million rows)."""
    window = _searched(query, text_index=False).filter(id__lt=extra[0])
    page_ids = window.values("id")[query.offset : query.offset + query.limit]
    return _listed(Enterprise.objects.filter(id__in=page_ids)).order_by("id")


def enterprise_page(query: EnterpriseQuery) -> tuple[list[Enterprise], int, bool]:
    """One page of results, the number of matches (at most COUNT_CAP) and whether the count was capped."""
    # The plan depends on the values (how common the text is, how wide a range): see g60.core.query_plans.
    with custom_plans():
        items, count, capped = _page_and_count(query)
    return _with_cities(items), count, capped


# What a list shows of an enterprise (enterprise_public_facts): reading and making objects of twenty rows without
# the other columns (ID number, audit columns, search text) took 3.9 ms instead of 4.9 in-process (PostgreSQL, a
# million rows, a USCC prefix). The city comes from the process's copy of the nine (_with_cities), not a join.
LIST_FIELDS = (
    *("uscc", "name", "name_en", "type", "status", "established_on", "registered_capital_wan"),
    *("legal_representative", "industry_code", "address", "business_scope", "city"),
)


def _listed(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return queryset.select_related(None).only(*LIST_FIELDS)


def _with_cities(items: list[Enterprise]) -> list[Enterprise]:
    """Give each listed enterprise its city object from regions.selectors.cities_by_code (a city missing there,
    added a moment ago by another process, is read when used)."""
    cities = cities_by_code()
    for item in items:
        if (city := cities.get(item.city_id)) is not None:
            item.city = city
    return items


def _page_and_count(query: EnterpriseQuery) -> tuple[list[Enterprise], int, bool]:
    if gin_pairs := _gin_pairs(query):
        query = replace(query, gin_pairs=gin_pairs)
    shape = _Shape.of(query)
    share: float | None = None
    counted: int | None = None
    text = bool(query.q) and not _is_uscc_prefix(query.q.upper())
    postgres_text = connection.vendor == "postgresql" and text and not query.sort
    if postgres_text:
        items, share, counted = _postgres_page(query, shape)
    else:
        items = _objects("page", query, shape, _page_of)
    if query.offset == 0 and len(items) < query.limit:
        return items, len(items), False
    if counted is not None:
        return items, min(counted, COUNT_CAP), counted > COUNT_CAP

    # Dense matches are counted by reading rows until COUNT_CAP of them match (in one city, that city's rows, from
    # the covering index of registry/0011); sparse ones from the GIN index, which holds the city too
    # (registry/0007) and finds the rows with both at once.
    dense = postgres_text and _dense(query, share)
    count = _count(query, shape, text_index=not dense)
    return items, min(count, COUNT_CAP), count > COUNT_CAP


# --- The search's statements, built once per shape of query (g60.core.statements) ---------------------------------
# Two sets of stand-ins for a search's values. Each keeps the search's shape (a CJK phrase stays a phrase of as
# many ideographs, a USCC prefix a prefix of as many code characters, an industry code as long) and shares no
# text with the others or with the statements' constants: ideographs of CJK extension G, which no company name
# holds, and marks no code or word of the register uses.
_PHRASE_MARKERS = ("".join(chr(0x31300 + i) for i in range(16)), "".join(chr(0x31320 + i) for i in range(16)))
_USCC_MARKERS = ("9" + "Y" * 17, "8" + "X" * 17)
_INDUSTRY_MARKERS = ("①②③④⑤", "⑥⑦⑧⑨⑩")


@dataclass(frozen=True)
class _Shape:
    """What a search's SQL depends on besides its values (the key of its compiled statements), its values and
    their two sets of stand-ins. None (from `of`) for a search whose statements are built each time: an English
    or mixed text, or a phrase of more than 16 characters."""

    kind: str  # "" (no text), "phrase" (CJK ideographs, one value each) or "uscc" (a code prefix)
    size: int  # ideographs of the phrase or characters of the prefix
    city: bool
    status: bool
    industry: int  # the industry code's length, 0 for none
    year: bool
    capital_min: bool
    capital_max: bool
    sort: str
    offset: int
    limit: int
    gin_pairs: tuple[int, ...]
    values: tuple[Any, ...] = field(compare=False, hash=False)
    markers: tuple[tuple[Any, ...], tuple[Any, ...]] = field(compare=False, hash=False)

    @classmethod
    def of(cls, query: EnterpriseQuery) -> _Shape | None:
        values: list[Any] = []
        markers: tuple[list[Any], list[Any]] = ([], [])
        kind, size = "", 0
        if query.q:
            upper = query.q.upper()
            if _is_uscc_prefix(upper):
                kind, size = "uscc", len(upper)
                values.append(upper)
                markers[0].append(_USCC_MARKERS[0][:size])
                markers[1].append(_USCC_MARKERS[1][:size])
            else:
                phrase = cjk_phrase(query.q)
                if phrase is None or len(phrase) > len(_PHRASE_MARKERS[0]):
                    return None
                kind, size = "phrase", len(phrase)
                values.extend(phrase)
                markers[0].extend(_PHRASE_MARKERS[0][:size])
                markers[1].extend(_PHRASE_MARKERS[1][:size])
        industry = len(query.industry)
        optional: list[tuple[Any, Any, Any]] = [
            (query.city or None, "〇C1", "〇C2"),
            (query.status or None, "〇S1", "〇S2"),
            (query.industry or None, _INDUSTRY_MARKERS[0][:industry], _INDUSTRY_MARKERS[1][:industry]),
            (query.year, 1111, 1212),
            (query.capital_min, Decimal("1111111.1111"), Decimal("2222222.2222")),
            (query.capital_max, Decimal("3333333.3333"), Decimal("4444444.4444")),
        ]
        for value, first, second in optional:
            if value is not None:
                values.append(value)
                markers[0].append(first)
                markers[1].append(second)
        return cls(
            kind,
            size,
            bool(query.city),
            bool(query.status),
            industry,
            query.year is not None,
            query.capital_min is not None,
            query.capital_max is not None,
            query.sort,
            query.offset,
            query.limit,
            query.gin_pairs,
            tuple(values),
            (tuple(markers[0]), tuple(markers[1])),
        )

    def query(self, values: Sequence[Any]) -> EnterpriseQuery:
        """A search of this shape with these values (the search's own, or stand-ins)."""
        # The text's values come first: one per ideograph of a phrase, the prefix itself, or none.
        texts = self.size if self.kind == "phrase" else int(self.kind == "uscc")
        q, rest = "".join(values[:texts]), iter(values[texts:])
        return EnterpriseQuery(
            q=q,
            city=next(rest) if self.city else "",
            status=next(rest) if self.status else "",
            industry=next(rest) if self.industry else "",
            year=next(rest) if self.year else None,
            capital_min=next(rest) if self.capital_min else None,
            capital_max=next(rest) if self.capital_max else None,
            sort=self.sort,
            limit=self.limit,
            offset=self.offset,
            gin_pairs=self.gin_pairs,
        )


Build = Callable[[EnterpriseQuery, Sequence[Any]], QuerySet[Any]]


def _searched(query: EnterpriseQuery, *, text_index: bool = True) -> QuerySet[Enterprise]:
    return _listed(enterprise_search(query, text_index=text_index))


def _page_of(query: EnterpriseQuery, _extra: Sequence[Any]) -> QuerySet[Enterprise]:
    return _searched(query)[query.offset : query.offset + query.limit]


# Stand-ins for the one value a statement may take beyond the search's own: the end of the probe's window of ids.
_WINDOW_MARKERS = (-1111, -2222)


def _compiled(
    name: str, shape: _Shape | None, build: Build, *, window: bool = False, count: bool = False
) -> Statement | None:
    """The statement `build` makes for searches of this shape, compiled once (None: build it each time)."""
    if shape is None:
        return None
    size = len(shape.values)
    first, second = shape.markers
    if window:
        first, second = (*first, _WINDOW_MARKERS[0]), (*second, _WINDOW_MARKERS[1])
    return statement(
        (name, shape),
        lambda values: build(shape.query(values[:size]), values[size:]),
        (first, second),
        connection.alias,
        count=count,
    )


def _objects(
    name: str, query: EnterpriseQuery, shape: _Shape | None, build: Build, window: int | None = None
) -> list[Enterprise]:
    extra = [] if window is None else [window]
    compiled = _compiled(name, shape, build, window=window is not None)
    if compiled is None or shape is None:
        return list(build(query, extra))
    return compiled.objects(Enterprise, connection.alias, [*shape.values, *extra])


def _count(query: EnterpriseQuery, shape: _Shape | None, *, text_index: bool) -> int:
    """The matches up to COUNT_CAP + 1: reading rows in order (`text_index=False`, PostgreSQL) or the index's."""

    def counted(q: EnterpriseQuery, _extra: Sequence[Any]) -> QuerySet[Any]:
        return _searched(q, text_index=text_index).order_by().values("id")[: COUNT_CAP + 1]

    # COUNT_CAP is written into the SQL (LIMIT), so it is part of the key (tests lower it).
    compiled = _compiled(f"count {text_index} {COUNT_CAP}", shape, counted, count=True)
    if compiled is None or shape is None:
        return counted(query, ()).count()
    return int(compiled.rows(connection.alias, shape.values)[0][0])


def _ids(query: EnterpriseQuery, shape: _Shape | None) -> list[int]:
    def first_ids(q: EnterpriseQuery, _extra: Sequence[Any]) -> QuerySet[Any]:
        return _searched(q).values_list("id", flat=True)[: COUNT_CAP + 1]

    compiled = _compiled(f"ids {COUNT_CAP}", shape, first_ids)
    if compiled is None or shape is None:
        return list(first_ids(query, ()))
    return [row[0] for row in compiled.rows(connection.alias, shape.values)]


def _by_id(values: Sequence[Any]) -> QuerySet[Enterprise]:
    # One array parameter (= ANY), not IN with one placeholder per id: one statement for every page size.
    by_id = Enterprise.objects.extra(where=["registry_enterprise.id = ANY(%s)"], params=[values[0]])
    return _listed(by_id).order_by("id")


def _rows_by_id(ids: list[int]) -> list[Enterprise]:
    """The listed rows of these ids in register order (PostgreSQL)."""
    compiled = statement("rows-by-id", _by_id, (([-1, -2],), ([-3],)), connection.alias)
    if compiled is None:
        return list(_by_id([ids]))
    return compiled.objects(Enterprise, connection.alias, [ids])


def enterprise_names_containing(*, city_code: str, texts: list[str], limit: int | None = None) -> list[str]:
    """Names of the enterprises registered in `city_code` (on the register: not archived) that contain any of
    `texts`, found through the search's full-text index (the name check asks this of a register of millions: a
    LIKE '%…%' scan of a city took 0.5-1 s there). All of them, in no particular order; with `limit`, the first
    `limit` in register order (the earliest registered)."""
    queryset = _text_match(Enterprise.objects.filter(archived=False), texts, city=city_code)
    fts_driven = "fts_rowid" in queryset.query.extra
    queryset = _indexed_filter(queryset, fts_driven, "city_id", "exact", city_code).order_by()
    if limit is not None:
        queryset = _in_register_order(queryset)[:limit]
    with custom_plans():
        return list(queryset.values_list("name", flat=True))


def enterprise_get(uscc: str, *, include_archived: bool = False, shape: Shape | None = None) -> Enterprise:
    """One enterprise (and its city) by its USCC; 404 when unknown (or archived, for the public register).
    `shape` adds annotations to the one statement (core.rows.row_get)."""
    # The register's hottest read (the API's detail): its SQL is built once (g60.core.rows).
    where = () if include_archived else (("archived", False),)
    if "\x00" in uscc:
        # No code holds one, and PostgreSQL refuses a NUL in text (the detail page answered 500).
        raise Http404(uscc)
    try:
        return row_get(Enterprise, "uscc", uscc.strip().upper(), related=("city",), where=where, shape=shape)
    except Enterprise.DoesNotExist:
        raise Http404(uscc) from None


def enterprise_former_names(enterprise: Enterprise) -> list[str]:
    """The names the enterprise used to have, the latest first."""
    return row_values(EnterpriseFormerName, "enterprise", enterprise.pk, "name")


def _with_former_names(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    names = EnterpriseFormerName.objects.filter(enterprise=OuterRef("pk"))
    return queryset.annotate(
        former_names_array=ArraySubquery(names.order_by(*(EnterpriseFormerName._meta.ordering or ())).values("name"))
    )


def enterprise_with_former_names(uscc: str) -> tuple[Enterprise, list[str]]:
    """A public enterprise (404 when unknown or archived) and its former names, the latest first: the API's
    detail. On PostgreSQL one statement (the names as an array beside the row), where two statements cost two
    round trips to the server for the register's most frequent request; SQLite runs in the process, and its
    second statement is the cheaper way there."""
    if connection.vendor != "postgresql":
        enterprise = enterprise_get(uscc)
        return enterprise, enterprise_former_names(enterprise)
    enterprise = enterprise_get(uscc, shape=_with_former_names)
    return enterprise, list(enterprise.former_names_array)  # type: ignore[attr-defined]


def highlight(text: str, q: str) -> SafeString:
    """`text` escaped, with each case-insensitive occurrence of `q` in <mark>."""
    needle = q.strip()
    if not needle:
        return escape(text)
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def mask_person_name(name: str) -> str:
    """张三明 → 张*明, 张三 → 张*, Zhang San Ming → Z*** S*** M***: recognisable to those who know, no more."""
    if not name:
        return ""
    if name.isascii():
        return " ".join(word[:1] + "*" * (len(word) - 1) for word in name.split())
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def may_see_personal(user: AnyUser, enterprise: Enterprise) -> bool:
    return can(user, Action.ENTERPRISE_VIEW_PERSONAL, enterprise.city_id)


def enterprise_public_facts(enterprise: Enterprise, user: AnyUser) -> dict[str, Any]:
    """What `user` may see of an enterprise. The ID number never appears in lists; officials with
    ENTERPRISE_VIEW_PERSONAL in the enterprise's city see it masked on the detail; anonymous users see the legal
    representative's name masked."""
    official = user.is_authenticated and can(user, Action.ENTERPRISE_EXPORT)
    facts: dict[str, Any] = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "name_en": enterprise.name_en,
        "type": enterprise.type,
        "status": enterprise.status,
        "city_code": enterprise.city_id,
        "city": enterprise.city.name,
        "established_on": enterprise.established_on,
        "registered_capital_wan": enterprise.registered_capital_wan,
        "legal_representative": (
            enterprise.legal_representative if official else mask_person_name(enterprise.legal_representative)
        ),
        "industry_code": enterprise.industry_code,
        "address": enterprise.address,
        "business_scope": enterprise.business_scope,
    }
    return facts


def enterprise_personal_id(enterprise: Enterprise, user: AnyUser) -> str | None:
    """The legal representative's ID number, masked, for those allowed in the enterprise's city; else None."""
    if not enterprise.legal_representative_id_number or not may_see_personal(user, enterprise):
        return None
    return mask_resident_id(enterprise.legal_representative_id_number)
