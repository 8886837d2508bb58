"""Chinese identifiers used by the registry, with their check characters.

- Unified Social Credit Code (GB 32100-2015): 18 characters of a 31-character set, mod-31 check (GB/T 17710).
- Organisation code (GB 11714-1997): 8-character body + mod-11 check (10 → X, 11 → 0); positions 9-17 of a USCC.
- Resident identity number (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check (0-9 or X).

Worked examples from the shared reference (Huawei 914403001922038216, Tencent 91440300708461136T, the ID numbers
of the standard's appendix) are the tests in tests/registry/test_identifiers.py. Every validator returns
the broken rule as a translatable message so forms and imports can say which rule failed.
"""

import datetime as dt
import re
import string

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
# Exactly 18 characters of the USCC character set: one C-level match instead of a generator per character.
_USCC_CHARS = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")

_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_VALUE = {ch: int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10 for ch in string.digits + string.ascii_uppercase}
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
# value × weight of every character at every position: a check sum is then one dict lookup per character
# (map(dict.__getitem__, tables, code) stops after the last table), about twice as fast as multiplying.
_ORG_TABLES = [{ch: value * weight for ch, value in _ORG_VALUE.items()} for weight in _ORG_WEIGHTS]
_USCC_TABLES = [{ch: value * weight for ch, value in _USCC_VALUE.items()} for weight in _USCC_WEIGHTS]
_ID_CHECK = "10X98765432"
# [0-9], not str.isdigit(): that holds for other scripts' digits too (١, ２: such numbers passed) and for ², which
# int() refuses (a 500).
_RESIDENT_ID_CHARS = re.compile(r"[0-9]{17}[0-9X]")


# These run for every row of an import; the callers have checked the characters already.
def _org_check(body: str) -> str:
    c9 = 11 - sum(map(dict.__getitem__, _ORG_TABLES, body)) % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def _uscc_check(code: str) -> str:
    """The check character of a USCC's first 17 characters (an 18th, if present, is ignored)."""
    c18 = 31 - sum(map(dict.__getitem__, _USCC_TABLES, code)) % 31
    return USCC_CHARSET[0 if c18 == 31 else c18]


def org_code_check_char(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body."""
    if len(body) != 8 or not all(ch in _ORG_VALUE for ch in body):
        raise ValueError("an organisation-code body is 8 digits or capital letters")
    return _org_check(body)


def uscc_check_char(first17: str) -> str:
    """The mod-31 check character (position 18) of a USCC's first 17 characters."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError("17 characters of the USCC character set are needed")
    return _uscc_check(first17)


# The rules a USCC can break, by a code that is stored with an import's row errors (import_rules.py): a code keeps
# its meaning for good (a changed rule gets a new code), its message may be reworded and is shown in the reader's
# language.
USCC_RULES: dict[str, StrPromise] = {
    "uscc_length": _("A Unified Social Credit Code has 18 characters."),
    "uscc_characters": _(
        "A Unified Social Credit Code uses only digits and the capital letters except I, O, S, V and Z."
    ),
    "uscc_division": _("Characters 3 to 8 of a Unified Social Credit Code are the six-digit division code."),
    "uscc_organisation_check": _(
        "The organisation code inside the Unified Social Credit Code (characters 9 to 17) fails its check."
    ),
    "uscc_check_character": _("The check character (the 18th) of the Unified Social Credit Code is wrong."),
}


def uscc_rule(code: str) -> str | None:
    """The code (a key of USCC_RULES) of the first rule `code` breaks as a USCC, or None when it is valid."""
    if len(code) != 18:
        return "uscc_length"
    if _USCC_CHARS.fullmatch(code) is None:
        return "uscc_characters"
    if not code[2:8].isdigit():
        return "uscc_division"
    # The characters are checked above, so the check characters are computed without checking them again.
    if _org_check(code[8:16]) != code[16]:
        return "uscc_organisation_check"
    if _uscc_check(code) != code[17]:
        return "uscc_check_character"
    return None


def uscc_error(code: str) -> StrPromise | None:
    """Why `code` is not a valid USCC, or None when it is."""
    rule = uscc_rule(code)
    return None if rule is None else USCC_RULES[rule]


def is_valid_uscc(code: str) -> bool:
    return uscc_rule(code) is None


def uscc_build(*, authority: str, kind: str, division: str, org_body: str) -> str:
    """Assemble a USCC from its parts, computing both check characters.

    `org_body` must use the USCC character set, and its GB 11714 check must fall inside it too (it is a digit
    or X, both in the set).
    """
    if len(division) != 6 or not division.isdigit():
        raise ValueError("the division code is six digits")
    first16 = f"{authority}{kind}{division}{org_body}"
    if len(first16) != 16 or any(ch not in _USCC_VALUE for ch in first16):
        raise ValueError("the parts must use the USCC character set")
    first17 = first16 + org_code_check_char(org_body)
    return first17 + uscc_check_char(first17)


def resident_id_error(number: str, *, today: dt.date | None = None) -> StrPromise | None:
    """Why `number` is not a valid 18-character resident identity number (GB 11643), or None."""
    if _RESIDENT_ID_CHARS.fullmatch(number) is None:
        return _("A resident identity number has 17 digits and a check character (a digit or X).")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("Characters 7 to 14 of a resident identity number must be a real date of birth.")
    if born.year < 1880 or born > (today or dt.date.today()):  # noqa: DTZ011 - a calendar date, not a time
        return _("The date of birth in the resident identity number is out of range.")
    check = _ID_CHECK[sum(int(ch) * w for ch, w in zip(number[:17], _ID_WEIGHTS, strict=True)) % 11]
    if check != number[17]:
        return _("The check character (the 18th) of the resident identity number is wrong.")
    return None


def is_valid_resident_id(number: str) -> bool:
    return resident_id_error(number) is None


def mask_resident_id(number: str) -> str:
    """Show only the first six and last one characters."""
    return number[:6] + "*" * 11 + number[-1:] if len(number) == 18 else "*" * len(number)
