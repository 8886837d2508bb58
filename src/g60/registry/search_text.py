"""The text the full-text indexes see, and the queries that match it (docs/search.md).

Chinese has no spaces between words, and trigram indexes cannot match queries of one or two characters. So the
name is stored with every CJK character as its own token and every run of Latin letters or digits as one
lower-case word: 苏州华芯链科技有限公司 → "苏 州 华 芯 链 科 技 有 限 公 司". A substring query is then a phrase
query over consecutive tokens, which both SQLite FTS5 (unicode61) and PostgreSQL (to_tsvector('simple')) answer
from an inverted index, for queries of any length.

PostgreSQL stores the text with each CJK ideograph followed by another as the pair of the two instead (its
form, `pairs=True`): 苏州华芯链科技有限公司 → "苏州 州华 华芯 芯链 链科 科技 技有 有限 限公 公司 司". Its GIN index
then holds a lexeme per pair, so a two-character phrase is one posting list (华芯: 3,655 rows of a
million) where single characters made an AND of two long ones (华 and 芯: 160,000 and 58,000 rows); still one
lexeme per character, each starting with its character, at the character's position, so a single character
is a prefix query (芯:*) and phrases keep their positions. SQLite's FTS5 table keeps one token per character
(docs/search.md, "Two characters: pairs on PostgreSQL").
"""

import itertools
import operator
import re

# A run of ASCII letters/digits is one word; any other word character (CJK, ...) is a token of its own.
_TOKEN = re.compile(r"[0-9a-z]+|[^\W0-9a-z_]")
_ASCII_CHAR = re.compile(r"[\x00-\x7f]")
# CJK ideographs (the unified blocks, extension A and up, compatibility): caseless, and each always a token of
# its own, never part of a longer word.
_IDEOGRAPHS = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
_CJK_IDEOGRAPH = re.compile(_IDEOGRAPHS)
_CJK_NAME = re.compile(_IDEOGRAPHS + "+")
# Every byte but a-z and 0-9 becomes a space: ASCII text splits into its words without a regex match per word.
_ASCII_WORDS = bytes(ch if 0x30 <= ch <= 0x39 or 0x61 <= ch <= 0x7A else 0x20 for ch in range(256))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _joined_tokens(text: str) -> str:
    """ " ".join(tokens(text)), with shortcuts for the two common shapes (an import computes it for every row):
    a name of letters only and no ASCII (each character is a token) and ASCII text (the runs of a-z0-9)."""
    lower = text.lower()
    if lower.isascii():
        return b" ".join(lower.encode().translate(_ASCII_WORDS).split()).decode()
    if lower.isalpha() and _ASCII_CHAR.search(lower) is None:
        return " ".join(lower)
    return " ".join(_TOKEN.findall(lower))


def search_text_for(name: str, name_en: str = "", *, pairs: bool = False) -> str:
    """The search text of a name and English name: one token per character (SQLite), or PostgreSQL's form with
    each CJK ideograph followed by another paired with it (`pairs`)."""
    if pairs and name_en.isascii() and _CJK_NAME.fullmatch(name):
        # The common shape, a name of ideographs and an English name: its pairs without a token list.
        paired = " ".join(map(operator.add, name, name[1:]))
        text = f"{paired} {name[-1]}" if paired else name
        other = _joined_tokens(name_en) if name_en else ""
        return f"{text} {other}" if other else text
    text = _joined_tokens(name)
    if name_en:
        other = _joined_tokens(name_en)
        if other:
            text = f"{text} {other}" if text else other
    return " ".join(paired_tokens(text.split(" "))) if pairs and text else text


def _ideograph(token: str) -> bool:
    return len(token) == 1 and _CJK_IDEOGRAPH.match(token) is not None


def paired_tokens(parts: list[str]) -> list[str]:
    """PostgreSQL's lexemes of a row's tokens: an ideograph followed by another is the pair of the two, every
    other token itself (one lexeme per token: positions are kept)."""
    ideographs = [_ideograph(part) for part in parts]
    following = [*ideographs[1:], False]
    return [part + parts[i + 1] if ideographs[i] and following[i] else part for i, part in enumerate(parts)]


def phrase_pairs(phrase: list[str]) -> list[str]:
    """The pairs of a CJK phrase of two or more ideographs: 华芯链 → [华芯, 芯链]."""
    return [a + b for a, b in itertools.pairwise(phrase)]


def paired_phrase_text(phrase: list[str]) -> str:
    """What a PostgreSQL search text holding the CJK phrase contains: its pairs, or its one ideograph (which
    every lexeme of that character starts with). "华芯 芯链" is in "…苏州 州华 华芯 芯链 链科…" exactly where 华芯链 is
    in the name: a pair is a whole token (tokens are at most two ideographs, between spaces)."""
    return " ".join(phrase_pairs(phrase)) if len(phrase) > 1 else phrase[0]


def fts5_query(query: str) -> str | None:
    """A SQLite FTS5 phrase query for a substring (the last word may be a prefix), or None when nothing to find."""
    parts = tokens(query)
    if not parts:
        return None
    phrase = '"' + " ".join(parts) + '"'
    # A trailing ASCII word may be the start of a longer word: "semi" finds "semiconductor".
    return phrase + "*" if parts[-1].isascii() else phrase


def tsquery(query: str) -> str | None:
    """The PostgreSQL to_tsquery('simple', ...) text for the same phrase over the paired search text (tokens are
    letters and digits only): each token's lexeme at consecutive positions, the last one a prefix (a Latin word
    may go on, and a last ideograph's lexeme may be its pair with the next one: 芯 is 芯:*, 芯链 is 芯链 <-> 链:*)."""
    parts = tokens(query)
    if not parts:
        return None
    quoted = [f"'{lexeme}'" for lexeme in paired_tokens(parts)[:-1]]
    return " <-> ".join([*quoted, f"'{parts[-1]}':*"])


def cjk_phrase(query: str) -> list[str] | None:
    """The query's tokens when every one is a CJK ideograph (the common Chinese-name search), else None.

    For such a phrase, the tokens joined by spaces occurring in a row's `search_text` is the same test as the
    tsquery phrase on its `search_vector` (to_tsvector of that text: each space-separated token is one lexeme at
    the next position), with no word boundary to check, since an ideograph is always a token of its own.
    PostgreSQL tests it on the search text alone (g60.registry.selectors._postgres_text_match).
    """
    parts = tokens(query)
    if not parts or not all(_ideograph(part) for part in parts):
        return None
    return parts


def fts5_query_any(texts: list[str], *, city: str = "") -> str | None:
    """An FTS5 query for rows whose search text holds any of `texts` as a substring and, with `city`, whose city
    is that one (the FTS5 table's two columns, migration registry/0009)."""
    phrases = [phrase for text in texts if (phrase := fts5_query(text)) is not None]
    if not phrases:
        return None
    # In the search_text column only: a number in a name ("3304") must not match a city code.
    query = f"search_text : ({' OR '.join(phrases)})"
    if city:
        query += ' AND city_id : "' + city.replace('"', '""') + '"'
    return query


def tsquery_any(texts: list[str]) -> str | None:
    """The to_tsquery('simple', ...) text for rows holding any of `texts` as a substring."""
    phrases = [f"({phrase})" for text in texts if (phrase := tsquery(text)) is not None]
    return " | ".join(phrases) or None
