"""Name self-declaration (企业名称登记管理规定, 2021; standards §7): split a name into its four parts, check
the form and content rules, and compare the trade name with the names registered or reserved at the same
registration authority (the domicile city).

Every broken rule is one `NameIssue` with a code and a translated message, so that the applicant sees why a
name fails. Errors refuse the name; warnings (a similar name, an unrecognised industry term) are shown and the
name may still be declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from g60.onenetwork.constants import NAME_MAX_LENGTH, NAME_PART_MAX_LENGTH
from g60.onenetwork.names_data import (
    ALL_FORMS,
    BARE_DISTRICTS,
    DIVISIONS_BY_CITY,
    FORBIDDEN_WORDS,
    FORMS_BY_TYPE,
    GROUP_MARKERS,
    INDUSTRY_TERMS,
    NATIONAL_PREFIXES,
    OTHER_DIVISIONS,
)

ALL_DIVISIONS: tuple[str, ...] = tuple(
    sorted(
        {d for ds in DIVISIONS_BY_CITY.values() for d in ds} | set(OTHER_DIVISIONS) | set(BARE_DISTRICTS),
        key=lambda d: (-len(d), d),
    )
)
_TERMS_LONGEST_FIRST = tuple(sorted(INDUSTRY_TERMS, key=lambda t: (-len(t), t)))
_CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff（）]+$")
_BRACKETED = re.compile(r"^(?P<trade>[^（）]+)（(?P<division>[^（）]+)）(?P<tail>.+)$")
# Groups that say nothing about the industry by themselves (发展, 实业) are not used to compare industries.
_GENERIC_GROUPS = frozenset({"development", "industry_general"})


@dataclass(frozen=True)
class NameParts:
    """The four parts of a name (division, trade name, industry, organisational form)."""

    division: str
    trade_name: str
    industry: str
    form: str
    group: bool = False
    division_in_brackets: bool = False

    @cached_property
    def industry_groups(self) -> frozenset[str]:
        groups: set[str] = set()
        rest = self.industry
        while rest:
            term = next((t for t in _TERMS_LONGEST_FIRST if rest.endswith(t)), None)
            if term is None:
                break
            groups.add(INDUSTRY_TERMS[term][1])
            rest = rest[: -len(term)]
        return frozenset(groups - _GENERIC_GROUPS) or frozenset(groups)


@dataclass(frozen=True)
class NameIssue:
    code: str
    message: str
    severity: str = "error"  # "error" refuses the name, "warning" informs


@dataclass
class NameCheck:
    name: str
    parts: NameParts | None
    issues: list[NameIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[NameIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[NameIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def name_normalise(name: str) -> str:
    """Full-width brackets, no spaces: 红光(北京)酒业 and 红光（北京）酒业 are the same name."""
    return re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")


def _strip_industry(rest: str) -> tuple[str, str]:
    """Split `rest` (trade name + industry) into both: strip industry terms from the end while a trade name of
    least one character is left, so that 红光酒业发展 reads as 红光 + 酒业发展."""
    industry = ""
    while True:
        term = next((t for t in _TERMS_LONGEST_FIRST if rest.endswith(t) and len(rest) > len(t)), None)
        if term is None:
            return rest, industry
        industry = term + industry
        rest = rest[: -len(term)]


@lru_cache(maxsize=16384)
def name_parse(name: str) -> NameParts:
    """Split a name into its parts; parts that cannot be found are left empty (the checks then say so).
    Kept per name: every declaration compares its name with the similar names registered or reserved at the
    authority, parsing each of them, and those are mostly the same names again and again."""
    rest = name_normalise(name)
    form = next((f for f in ALL_FORMS if rest.endswith(f) and len(rest) > len(f)), "")
    rest = rest[: len(rest) - len(form)]
    group = False
    for marker in GROUP_MARKERS:
        if rest.endswith(marker):
            group, rest = True, rest[: -len(marker)]
            break
    division = next((d for d in ALL_DIVISIONS if rest.startswith(d) and len(rest) > len(d)), "")
    if division:
        trade, industry = _strip_industry(rest[len(division) :])
        return NameParts(division, trade, industry, form, group)
    bracketed = _BRACKETED.match(rest)
    if bracketed and bracketed["division"] in ALL_DIVISIONS:
        # 红光（北京）酒业: the division in brackets after the trade name; what follows is the industry.
        return NameParts(bracketed["division"], bracketed["trade"], bracketed["tail"], form, group, True)
    trade, industry = _strip_industry(rest)
    return NameParts("", trade, industry, form, group)


# --- The rules ---------------------------------------------------------------------------------------------


def _forbidden_message(category: str, word: str) -> str:
    messages = {
        "party_state_military": _(
            "The name may not use the names of political parties, Party, government or military organs or mass "
            "organisations (found “%(word)s”; Art. 11(3))."
        ),
        "foreign_international": _(
            "The name may not use the names of foreign countries or regions or of international organisations "
            "(found “%(word)s”; Art. 11(4))."
        ),
        "obscene_gambling_superstition_violence": _(
            "The name may not contain obscene, gambling, superstitious, terrorist or violent content "
            "(found “%(word)s”; Art. 11(5))."
        ),
        "discrimination": _(
            "The name may not contain ethnic, racial, religious or gender discrimination (found “%(word)s”; "
            "Art. 11(6))."
        ),
        "public_order_morals": _(
            "The name may not offend public order and good morals (found “%(word)s”; Art. 11(7))."
        ),
        "misleading": _("The name may not deceive or mislead the public (found “%(word)s”; Art. 11(8))."),
    }
    return messages[category] % {"word": word}


def _content_issues(normalised: str) -> Iterable[NameIssue]:
    for category, words in FORBIDDEN_WORDS.items():
        for word in words:
            if word in normalised:
                yield NameIssue(f"forbidden_{category}", _forbidden_message(category, word))
                break
    for prefix in NATIONAL_PREFIXES:
        if normalised.startswith(prefix):
            yield NameIssue(
                "national_prefix",
                _(
                    "A name may start with “%(word)s” only with the State Council's approval, which self-declaration "
                    "cannot give (Art. 12)."
                )
                % {"word": prefix},
            )
        elif prefix in normalised[1:]:
            yield NameIssue(
                "national_middle",
                _("“%(word)s” inside a name may only qualify the industry (Art. 12).") % {"word": prefix},
                "warning",
            )


def _structure_issues(parts: NameParts, *, form_type: str, domicile_code: str | None) -> Iterable[NameIssue]:
    allowed_forms = FORMS_BY_TYPE.get(form_type, ())
    if not parts.form:
        yield NameIssue(
            "form_missing",
            _("The name must end with its organisational form, e.g. %(forms)s (Art. 10).")
            % {"forms": "、".join(allowed_forms)},
        )
    elif parts.form not in allowed_forms:
        yield NameIssue(
            "form_mismatch",
            _("The organisational form “%(form)s” does not match the legal form chosen; use %(forms)s (Art. 10).")
            % {"form": parts.form, "forms": "、".join(allowed_forms)},
        )
    if parts.division in BARE_DISTRICTS:
        yield NameIssue(
            "district_alone",
            _("A city district must be preceded by its city's name, e.g. 上海松江 (Art. 7)."),
        )
    elif not parts.division:
        yield NameIssue(
            "division_missing",
            _(
                "The name must start with the administrative division where the enterprise is located (or give it "
                "in brackets after the trade name), e.g. 嘉兴… or …（嘉兴）… (Art. 7)."
            ),
        )
    elif domicile_code and parts.division not in DIVISIONS_BY_CITY.get(domicile_code, ()):
        yield NameIssue(
            "division_elsewhere",
            _("“%(division)s” is not where the enterprise is located; use %(allowed)s (Art. 7).")
            % {"division": parts.division, "allowed": "、".join(DIVISIONS_BY_CITY.get(domicile_code, ()))},
        )
    trade = parts.trade_name
    if len(trade) < 2:
        yield NameIssue("trade_name_short", _("The trade name must have at least two Chinese characters (Art. 8)."))
    elif trade in ALL_DIVISIONS:
        yield NameIssue("trade_name_division", _("A division name may not be used as the trade name (Art. 8)."))
    elif trade in INDUSTRY_TERMS:
        yield NameIssue("trade_name_industry", _("An industry term may not be used as the trade name (Art. 8)."))
    elif len(trade) > NAME_PART_MAX_LENGTH:
        # The parts are stored in columns of this length: a longer trade name failed the insert on PostgreSQL.
        yield NameIssue(
            "trade_name_too_long",
            _("The trade name has at most %(limit)d characters (this one has %(length)d).")
            % {"limit": NAME_PART_MAX_LENGTH, "length": len(trade)},
        )
    elif len(trade) > 12:
        yield NameIssue(
            "trade_name_long",
            _("The trade name “%(trade)s” is long; check that the industry term was recognised.") % {"trade": trade},
            "warning",
        )
    if not parts.industry:
        yield NameIssue(
            "industry_missing",
            _(
                "No industry term was recognised; the name should state the industry or business feature after the "
                "trade name (Art. 9)."
            ),
            "warning",
        )
    elif len(parts.industry) > NAME_PART_MAX_LENGTH:
        yield NameIssue(
            "industry_too_long",
            _("The industry wording has at most %(limit)d characters (this one has %(length)d).")
            % {"limit": NAME_PART_MAX_LENGTH, "length": len(parts.industry)},
        )


def _industry_class_issues(parts: NameParts, industry_code: str) -> Iterable[NameIssue]:
    if not parts.industry or not industry_code:
        return
    sections: set[str] = set()
    rest = parts.industry
    while rest:
        term = next((t for t in _TERMS_LONGEST_FIRST if rest.endswith(t)), None)
        if term is None:
            return
        sections.update(INDUSTRY_TERMS[term][0])
        rest = rest[: -len(term)]
    if industry_code[:1] not in sections:
        yield NameIssue(
            "industry_class_mismatch",
            _(
                "The industry term “%(industry)s” does not seem to match the industry class %(code)s; the term "
                "must follow the main business (Art. 9)."
            )
            % {"industry": parts.industry, "code": industry_code},
            "warning",
        )


def _substrings(trade: str) -> set[str]:
    return {trade[i:j] for i in range(len(trade)) for j in range(i + 2, len(trade) + 1)} - {trade}


def _compare(parts: NameParts, other_name: str, other: NameParts) -> NameIssue | None:
    """How a proposed name stands against one name at the same authority (Art. 17, §7.3)."""
    if not other.trade_name or not parts.trade_name:
        return None
    same_wording = parts.industry == other.industry
    synonymous = bool(parts.industry_groups & other.industry_groups)
    without_industry = not parts.industry or not other.industry
    if other.trade_name == parts.trade_name:
        if same_wording or without_industry:
            return NameIssue(
                "identical_name",
                _(
                    "The trade name “%(trade)s” is already used in the same industry at this registration authority "
                    "by “%(other)s” (registered or reserved; Art. 17)."
                )
                % {"trade": parts.trade_name, "other": other_name},
            )
        if synonymous:
            return NameIssue(
                "similar_industry",
                _(
                    "“%(other)s” has the same trade name with an industry term of the same meaning: the names are "
                    "similar and may infringe its rights."
                )
                % {"other": other_name},
                "warning",
            )
        return None
    if (same_wording or synonymous or without_industry) and (
        other.trade_name in parts.trade_name or parts.trade_name in other.trade_name
    ):
        return NameIssue(
            "similar_contains",
            _(
                "The trade name “%(trade)s” contains, or is contained in, the trade name of “%(other)s” in the same "
                "industry: the names are similar and may infringe its rights."
            )
            % {"trade": parts.trade_name, "other": other_name},
            "warning",
        )
    return None


def _conflict_issues(
    parts: NameParts, *, domicile_code: str, exclude_application_id: int | None, similar: bool = True
) -> Iterable[NameIssue]:
    from g60.onenetwork.models import NameReservation
    from g60.registry.selectors import enterprise_names_containing

    trade = parts.trade_name
    if len(trade) < 2:
        return
    pieces = _substrings(trade)
    # Names registered at the same authority (the registry) and names reserved there for other applications.
    # Every registered name holding the whole trade name is compared (an identical trade name is refused, so
    # none may be missed); names holding only a part of it can only be similar (a warning): the first 500. A name
    # holding any part holds one of its two-character parts, so those alone find them (fewer phrases to match).
    # Without `similar`, only what can refuse the name is looked up: an identical trade name, which every
    # candidate holding the whole trade name covers (the similar ones can only warn).
    candidates = enterprise_names_containing(city_code=domicile_code, texts=[trade])
    if similar and (pairs := sorted(piece for piece in pieces if len(piece) == 2)):
        candidates += enterprise_names_containing(city_code=domicile_code, texts=pairs, limit=500)
    reservations = NameReservation.objects.filter(
        authority_id=domicile_code, released_at__isnull=True, expires_at__gt=timezone.now()
    )
    if similar:
        reservations = reservations.filter(Q(trade_name__contains=trade) | Q(trade_name__in=sorted(pieces)))
    else:
        reservations = reservations.filter(trade_name=trade)
    if exclude_application_id is not None:
        reservations = reservations.exclude(application_id=exclude_application_id)
    candidates += list(reservations.values_list("name", flat=True)[:500])
    seen: set[tuple[str, str]] = set()
    for other_name in candidates:
        issue = _compare(parts, other_name, name_parse(other_name))
        if issue is not None and (issue.code, other_name) not in seen:
            seen.add((issue.code, other_name))
            yield issue


def name_check(
    *,
    name: str,
    form_type: str,
    domicile_code: str | None,
    industry_code: str = "",
    exclude_application_id: int | None = None,
    similar: bool = True,
) -> NameCheck:
    """Check a proposed name against every rule; compare it at the authority when the domicile is known.

    `similar=False` leaves out the look-up of similar names (warnings only), for callers that only ask whether
    the name is refused: the services re-checking a name inside their write transaction."""
    normalised = name_normalise(name)
    if not normalised:
        return NameCheck(name, None, [NameIssue("name_missing", _("Enter the company name."))])
    if len(normalised) > NAME_MAX_LENGTH:
        # Not parsed or compared: the comparison takes every substring of the trade name, and the pages' live
        # check of a name of 100,000 characters kept a worker busy for minutes.
        message = _("A company name has at most %(limit)d characters (this one has %(length)d).") % {
            "limit": NAME_MAX_LENGTH,
            "length": len(normalised),
        }
        return NameCheck(normalised, None, [NameIssue("name_too_long", message)])
    parts = name_parse(normalised)
    result = NameCheck(normalised, parts)
    if not _CHINESE_NAME.match(normalised):
        result.issues.append(
            NameIssue(
                "characters",
                _("A name uses standard Chinese characters only (Art. 5); no Latin letters, digits or symbols."),
            )
        )
    result.issues += list(_content_issues(normalised))
    result.issues += list(_structure_issues(parts, form_type=form_type, domicile_code=domicile_code))
    result.issues += list(_industry_class_issues(parts, industry_code))
    # A NUL byte, refused above with every character outside standard Chinese, cannot be compared with the
    # register on PostgreSQL (the live check answered 500).
    if domicile_code and "\x00" not in normalised:
        result.issues += list(
            _conflict_issues(
                parts, domicile_code=domicile_code, exclude_application_id=exclude_application_id, similar=similar
            )
        )
    return result
