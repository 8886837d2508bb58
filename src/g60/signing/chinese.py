"""How a licence writes amounts and dates: capital numerals (大写) for the registered capital, 年月日 dates."""

import datetime as dt
from decimal import Decimal

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def rmb_uppercase(amount: Decimal) -> str:
    """An amount of yuan in the capital numerals used on licences and cheques: 1000000 → 壹佰万元整."""
    fen_total = int((amount * 100).quantize(Decimal(1)))
    if fen_total < 0:
        raise ValueError("amount must not be negative")
    yuan, fen_part = divmod(fen_total, 100)
    jiao, fen = divmod(fen_part, 10)
    text = _integer_uppercase(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text


def _integer_uppercase(number: int) -> str:
    # Groups of four digits (个, 万, 亿); a zero is spoken once between non-zero parts, never at the end.
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _group_uppercase(group) + _BIG_UNITS[index]
        pending_zero = False
    return text


def _group_uppercase(group: int) -> str:
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _SMALL_UNITS[position]
    return text


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def date_en(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def capital_en(wan: Decimal) -> str:
    """Registered capital in 10,000 yuan, written out in yuan: 1000 → RMB 10,000,000."""
    yuan = (wan * 10000).quantize(Decimal("0.01"))
    return f"RMB {yuan:,.0f}" if yuan == yuan.to_integral_value() else f"RMB {yuan:,.2f}"
