"""The text the full-text indexes see, and the queries that match it (docs/search.md).

Chinese has no spaces between words, and trigram indexes cannot match queries of one or two characters. So the
name is stored with every CJK character as its own token and every run of Latin letters or digits as one
lower-case word: 苏州华芯链科技有限公司 → "苏 州 华 芯 链 科 技 有 限 公 司". A substring query is then a phrase
query over consecutive tokens, which both SQLite FTS5 (unicode61) and PostgreSQL (to_tsvector('simple')) answer
from an inverted index, for queries of any length.
"""

import re

# A run of ASCII letters/digits is one word; any other word character (CJK, ...) is a token of its own.
_TOKEN = re.compile(r"[0-9a-z]+|[^\W0-9a-z_]")
_ASCII_CHAR = re.compile(r"[\x00-\x7f]")
# CJK ideographs (the unified blocks, extension A and up, compatibility): caseless, and each always a token of
# its own, never part of a longer word.
_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
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


def search_text_for(name: str, name_en: str = "") -> str:
    text = _joined_tokens(name)
    if name_en:
        other = _joined_tokens(name_en)
        if other:
            return f"{text} {other}" if text else other
    return text


def fts5_query(query: str) -> str | None:
    """A SQLite FTS5 phrase query for a substring (the last word may be a prefix), or None when nothing to find."""
    parts = tokens(query)
    if not parts:
        return None
    phrase = '"' + " ".join(parts) + '"'
    # A trailing ASCII word may be the start of a longer word: "semi" finds "semiconductor".
    return phrase + "*" if parts[-1].isascii() else phrase


def tsquery(query: str) -> str | None:
    """The PostgreSQL to_tsquery('simple', ...) text for the same phrase (tokens are letters and digits only)."""
    parts = tokens(query)
    if not parts:
        return None
    quoted = [f"'{part}'" for part in parts]
    if parts[-1].isascii():
        quoted[-1] += ":*"
    return " <-> ".join(quoted)


def cjk_phrase(query: str) -> list[str] | None:
    """The query's tokens when every one is a CJK ideograph (the common Chinese-name search), else None.

    For such a phrase, the tokens joined by spaces occurring in a row's `search_text` is the same test as the
    tsquery phrase on its `search_vector` (to_tsvector of that text: each space-separated token is one lexeme at
    the next position), with no word boundary to check, since an ideograph is always a token of its own.
    PostgreSQL tests it on the search text alone (g60.registry.selectors._postgres_text_match).
    """
    parts = tokens(query)
    if not parts or not all(_CJK_IDEOGRAPH.fullmatch(part) for part in parts):
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
