import datetime as dt

import pytest

from g60.registry.identifiers import (
    is_valid_resident_id,
    is_valid_uscc,
    org_code_check_char,
    resident_id_error,
    uscc_build,
    uscc_check_char,
    uscc_error,
)

REAL_USCCS = [
    "914403001922038216",  # Huawei
    "91440300708461136T",  # Tencent Computer
    "91330100799655058B",  # Alibaba (China)
    "91110000802100433B",  # Beijing Baidu Netcom
    "91110108551385082Q",  # Xiaomi
    "9135021359498494XQ",  # organisation-code check X
]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code), uscc_error(code)


def test_check_character_worked_examples() -> None:
    assert uscc_check_char("91440300192203821") == "6"
    assert uscc_check_char("91440300708461136") == "T"


def test_org_code_worked_examples_including_x() -> None:
    assert org_code_check_char("19220382") == "1"
    assert org_code_check_char("70846113") == "6"
    assert org_code_check_char("59498494") == "X"


def test_org_code_eleven_maps_to_zero() -> None:
    # Find a body whose raw check value is 11 (sum ≡ 0 mod 11) and check it maps to "0".
    body = next(
        f"{n:08d}"
        for n in range(1, 10**6)
        if sum(int(c) * w for c, w in zip(f"{n:08d}", [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11 == 0
    )
    assert org_code_check_char(body) == "0"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("914403001922038217", "18th"),  # corrupted Huawei
        ("91440300192203821", "18 characters"),
        ("9144030019220382I6", "capital letters"),
        ("91ABCDEF1922038216", "division code"),
        ("914403001922038316", "9 to 17"),
    ],
)
def test_broken_codes_say_which_rule(code: str, fragment: str) -> None:
    error = uscc_error(code)
    assert error is not None and fragment in str(error)


def test_build_produces_valid_codes() -> None:
    code = uscc_build(authority="9", kind="1", division="310117", org_body="MA1G8Y2K")
    assert code.startswith("91310117MA1G8Y2K") and is_valid_uscc(code)
    assert uscc_build(authority="9", kind="1", division="440300", org_body="19220382") == "914403001922038216"


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_resident_id_appendix_examples(number: str) -> None:
    assert is_valid_resident_id(number)


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("110105194912310021", "check character"),
        ("11010519491331002X", "date of birth"),
        ("1101051949123100", "17 digits"),
        ("110105194912310A2X", "17 digits"),
    ],
)
def test_resident_id_errors(number: str, fragment: str) -> None:
    error = resident_id_error(number)
    assert error is not None and fragment in str(error)


def test_resident_id_born_in_the_future_is_refused() -> None:
    body = "11010520991231002"
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    number = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    error = resident_id_error(number, today=dt.date(2026, 11, 21))
    assert error is not None and "out of range" in str(error)
