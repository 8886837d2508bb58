"""The printable business licence: an A4 PDF in Chinese and English with a QR code carrying the signed token.

The token is also stored in the PDF twice, so software can read it without decoding the QR image: in the
document information dictionary (key /G60LicenceToken) and as an embedded file `g60-licence-token.txt`.
Chinese is drawn with a TrueType CJK font embedded as a subset (ReportLab cannot embed the CFF-based Noto CJK
fonts); the default is Debian's fonts-wqy-zenhei, configurable with the G60_LICENCE_FONT setting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import qrcode
import qrcode.constants
from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from g60.signing.tokens import PREFIX, MalformedToken, token_decode

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
TOKEN_INFO_KEY = "G60LicenceToken"  # noqa: S105 - a PDF dictionary key, not a secret
TOKEN_FILE_NAME = "g60-licence-token.txt"  # noqa: S105 - a file name, not a secret

RED = HexColor("#9b1c1c")
GOLD = HexColor("#b08d3c")
INK = HexColor("#1f1f1f")
GREY = HexColor("#5f5f5f")
PAPER = HexColor("#fffdf7")
SERIF, SERIF_BOLD, SERIF_ITALIC = "Times-Roman", "Times-Bold", "Times-Italic"


class LicenceFontMissing(RuntimeError):
    """The CJK font the licence needs is not installed."""


class LicenceTokenNotFound(ValueError):
    """The PDF carries no G60 licence token."""


@dataclass(frozen=True)
class LicenceFacts:
    """What a Chinese business licence (营业执照) shows, in both languages where the register has both."""

    uscc: str
    name: str
    type_zh: str
    type_en: str
    legal_representative: str
    registered_capital_wan: Decimal  # in 10,000 yuan (万元), as registered
    established_on: dt.date
    domicile: str
    business_scope: str
    authority_zh: str
    authority_en: str
    issued_on: dt.date
    licence_number: str
    name_en: str = ""
    domicile_en: str = ""
    business_term_until: dt.date | None = None  # None: no fixed term (长期)


# --- fonts ----------------------------------------------------------------------------------------------------


def font_path() -> Path:
    return Path(getattr(settings, "G60_LICENCE_FONT", "") or DEFAULT_FONT_PATH)


@lru_cache(maxsize=4)
def _register_font(path: str) -> str:
    # Parsing the 17 MB collection takes a moment; it is done once per process and font file.
    name = "G60CJK-" + hashlib.sha256(path.encode()).hexdigest()[:8]
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    return name


def cjk_font() -> str:
    """The registered name of the licence's CJK font. Raises LicenceFontMissing with what to install."""
    path = font_path()
    if not path.is_file():
        raise LicenceFontMissing(
            f"The licence font {path} is missing. Install the Debian package fonts-wqy-zenhei "
            "(apt-get install fonts-wqy-zenhei) or set G60_LICENCE_FONT to a TrueType CJK font (.ttf or .ttc)."
        )
    return _register_font(str(path))


# --- formatting -----------------------------------------------------------------------------------------------

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


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _date_en(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _capital_en(wan: Decimal) -> str:
    yuan = (wan * 10000).quantize(Decimal("0.01"))
    whole = yuan == yuan.to_integral_value()
    return f"RMB {yuan:,.0f}" if whole else f"RMB {yuan:,.2f}"


# --- drawing --------------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = A4
MARGIN = 34.0


def _paragraph(text: str, *, font: str, size: float, width: float, colour: Color = INK, cjk: bool = True) -> Any:
    style = ParagraphStyle(
        "p", fontName=font, fontSize=size, leading=size * 1.45, textColor=colour, wordWrap="CJK" if cjk else None
    )
    para = Paragraph(escape(text), style)
    para.wrap(width, PAGE_H)
    return para


def _frame(c: Canvas) -> None:
    c.setFillColor(PAPER)
    c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
    # Outer red rule, inner gold rule, and a fine band of gold lozenges between them, as on printed licences.
    c.setStrokeColor(RED)
    c.setLineWidth(2.4)
    c.rect(MARGIN - 12, MARGIN - 12, PAGE_W - 2 * (MARGIN - 12), PAGE_H - 2 * (MARGIN - 12))
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    c.rect(MARGIN - 3, MARGIN - 3, PAGE_W - 2 * (MARGIN - 3), PAGE_H - 2 * (MARGIN - 3))
    c.setLineWidth(0.4)
    c.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
    c.setFillColor(GOLD)
    band = MARGIN - 7.5
    for x in _steps(MARGIN, PAGE_W - MARGIN, 9):
        _lozenge(c, x, band, 2.2)
        _lozenge(c, x, PAGE_H - band, 2.2)
    for y in _steps(MARGIN, PAGE_H - MARGIN, 9):
        _lozenge(c, band, y, 2.2)
        _lozenge(c, PAGE_W - band, y, 2.2)


def _steps(start: float, stop: float, step: float) -> list[float]:
    count = int((stop - start) // step)
    offset = (stop - start - count * step) / 2
    return [start + offset + i * step for i in range(count + 1)]


def _lozenge(c: Canvas, x: float, y: float, r: float) -> None:
    path = c.beginPath()
    path.moveTo(x, y + r)
    path.lineTo(x + r, y)
    path.lineTo(x, y - r)
    path.lineTo(x - r, y)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _qr(c: Canvas, token: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares: sharp at any zoom or print resolution, and no raster to embed."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(token.encode("ascii"))
    code.make(fit=True)
    matrix = code.get_matrix()
    quiet = 4
    cells = len(matrix) + 2 * quiet
    cell = size / cells
    c.setFillColor(HexColor("#ffffff"))
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(HexColor("#000000"))
    for row, line in enumerate(matrix):
        col = 0
        while col < len(line):
            if not line[col]:
                col += 1
                continue
            start = col
            while col < len(line) and line[col]:
                col += 1
            # One rectangle per run of dark modules, slightly overlapped so no hairline gaps show when printed.
            top = y + size - (row + quiet + 1) * cell
            c.rect(x + (start + quiet) * cell, top, (col - start) * cell + 0.05, cell + 0.05, stroke=0, fill=1)


def _seal(c: Canvas, font: str, cx: float, cy: float, text: str) -> None:
    """The registering authority's electronic seal: a red ring, its name around the top, a star at the centre."""
    red = Color(0.78, 0.1, 0.1, alpha=0.82)
    c.saveState()
    c.setStrokeColor(red)
    c.setFillColor(red)
    c.setLineWidth(2.2)
    radius = 46
    c.circle(cx, cy, radius, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.circle(cx, cy, radius - 4, stroke=1, fill=0)
    _star(c, cx, cy + 2, 13)
    size = 10.5 if len(text) <= 12 else 8.5
    span = min(250.0, 19.0 * len(text))  # degrees of arc the name covers
    for i, char in enumerate(text):
        angle = 90 + span / 2 - (i + 0.5) * span / len(text)
        rad = math.radians(angle)
        c.saveState()
        c.translate(cx + (radius - 15) * math.cos(rad), cy + (radius - 15) * math.sin(rad))
        c.rotate(angle - 90)
        c.setFont(font, size)
        c.drawCentredString(0, -size / 2.8, char)
        c.restoreState()
    c.setFont(font, 7.5)
    c.drawCentredString(cx, cy - 25, "电子签章")
    c.restoreState()


def _star(c: Canvas, cx: float, cy: float, r: float) -> None:
    path = c.beginPath()
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.38
        angle = math.radians(90 + i * 36)
        point = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        path.moveTo(*point) if i == 0 else path.lineTo(*point)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _label(c: Canvas, font: str, x: float, y: float, zh: str, en: str) -> None:
    c.setFillColor(INK)
    c.setFont(font, 11)
    c.drawString(x, y, zh)
    c.setFillColor(GREY)
    c.setFont(SERIF_ITALIC, 8.5)
    c.drawString(x, y - 11.5, en)


def _rows(facts: LicenceFacts) -> list[tuple[str, str, str, str]]:
    """(Chinese label, English label, Chinese value, English value) in the order printed licences use."""
    until_zh = _date_zh(facts.business_term_until) if facts.business_term_until else "长期"
    until_en = _date_en(facts.business_term_until) if facts.business_term_until else "no fixed term"
    return [
        ("名　　称", "Name", facts.name, facts.name_en),
        ("类　　型", "Type", facts.type_zh, facts.type_en),
        ("法定代表人", "Legal representative", facts.legal_representative, ""),
        (
            "注册资本",
            "Registered capital",
            f"{rmb_uppercase(facts.registered_capital_wan * 10000)}",
            _capital_en(facts.registered_capital_wan),
        ),
        ("成立日期", "Date of establishment", _date_zh(facts.established_on), _date_en(facts.established_on)),
        (
            "营业期限",
            "Business term",
            f"{_date_zh(facts.established_on)} 至 {until_zh}",
            f"{_date_en(facts.established_on)} to {until_en}",
        ),
        ("住　　所", "Domicile", facts.domicile, facts.domicile_en),
    ]


def _body(c: Canvas, font: str, facts: LicenceFacts, top: float) -> float:
    """The facts, label column on the left, values on the right; returns the y below the last row."""
    label_x, value_x = MARGIN + 36, MARGIN + 168
    value_w = PAGE_W - MARGIN - 36 - value_x
    y = top
    rows = _rows(facts)
    for zh_label, en_label, zh_value, en_value in rows:
        zh = _paragraph(zh_value, font=font, size=12, width=value_w)
        en = _paragraph(en_value, font=SERIF, size=9.5, width=value_w, colour=GREY, cjk=False) if en_value else None
        height = max(zh.height + (en.height + 1 if en else 0), 26)
        _label(c, font, label_x, y - 12, zh_label, en_label)
        zh.drawOn(c, value_x, y - zh.height + 2)
        if en:
            en.drawOn(c, value_x, y - zh.height - en.height + 1)
        y -= height + 9
    # Business scope runs long: it gets the full width below its label, in a smaller size if need be.
    _label(c, font, label_x, y - 12, "经营范围", "Business scope")
    scope_w = PAGE_W - MARGIN - 36 - value_x
    for size in (10.5, 9.5, 8.5, 7.5):
        scope = _paragraph(facts.business_scope, font=font, size=size, width=scope_w)
        if scope.height <= 120:
            break
    scope.drawOn(c, value_x, y - scope.height + 2)
    return y - max(scope.height, 26) - 6


def _header(c: Canvas, font: str, facts: LicenceFacts, token: str) -> float:
    centre = PAGE_W / 2
    c.setFillColor(RED)
    c.setFont(font, 40)
    c.drawCentredString(centre, PAGE_H - MARGIN - 74, "营 业 执 照")
    c.setFont(SERIF_BOLD, 14)
    c.drawCentredString(centre, PAGE_H - MARGIN - 96, "B U S I N E S S   L I C E N C E")
    c.setFillColor(GREY)
    c.setFont(font, 9)
    c.drawCentredString(centre, PAGE_H - MARGIN - 113, "（电子执照  ·  Electronic licence）")

    qr_size = 132.0
    qr_x, qr_y = PAGE_W - MARGIN - 14 - qr_size, PAGE_H - MARGIN - 14 - qr_size
    _qr(c, token, qr_x, qr_y, qr_size)
    c.setFillColor(GREY)
    c.setFont(font, 7.5)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 10, "扫描二维码核验执照")
    c.setFont(SERIF_ITALIC, 7.5)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 19, "Scan to verify this licence")

    x = MARGIN + 20
    y = PAGE_H - MARGIN - 40
    c.setFillColor(INK)
    c.setFont(font, 9.5)
    c.drawString(x, y, "统一社会信用代码")
    c.setFillColor(GREY)
    c.setFont(SERIF_ITALIC, 8)
    c.drawString(x, y - 10, "Unified Social Credit Code")
    c.setFillColor(INK)
    c.setFont("Courier-Bold", 13)
    c.drawString(x, y - 26, facts.uscc)
    c.setFont(font, 8.5)
    c.setFillColor(GREY)
    c.drawString(x, y - 44, f"证照编号  {facts.licence_number}")
    c.setFont(SERIF_ITALIC, 8)
    c.drawString(x, y - 54, "Licence No.")
    return qr_y - 40


def _footer(c: Canvas, font: str, facts: LicenceFacts, token: str) -> None:
    decoded = token_decode(token)
    # Registration authority, date and seal, bottom right as on a printed licence.
    right = PAGE_W - MARGIN - 40
    base = MARGIN + 118
    c.setFillColor(INK)
    c.setFont(font, 11)
    c.drawRightString(right, base + 58, f"登记机关  {facts.authority_zh}")
    c.setFillColor(GREY)
    c.setFont(SERIF_ITALIC, 8.5)
    c.drawRightString(right, base + 45, f"Registration authority: {facts.authority_en}")
    c.setFillColor(INK)
    c.setFont(font, 12)
    c.drawRightString(right, base + 18, _date_zh(facts.issued_on))
    c.setFillColor(GREY)
    c.setFont(SERIF, 9)
    c.drawRightString(right, base + 6, f"Issued on {_date_en(facts.issued_on)}")
    _seal(c, font, right - 62, base + 30, facts.authority_zh)

    # How to verify, bottom left.
    left = MARGIN + 36
    note_w = 250.0
    zh = _paragraph(
        "本执照为电子营业执照，由登记机关以数字签名签发。扫描右上角二维码，或在平台“执照核验”页面提交二维码内容，"
        "即可核验真伪和吊销状态；也可使用公布的公钥离线核验签名（g60 verify-licence）。",
        font=font,
        size=7.5,
        width=note_w,
        colour=GREY,
    )
    en = _paragraph(
        "This electronic licence is digitally signed by the registration authority. Scan the QR code or submit its "
        "content on the platform's verification page to check it and whether it has been revoked; the signature "
        "can also be checked offline with the published public keys (g60 verify-licence).",
        font=SERIF_ITALIC,
        size=7.5,
        width=note_w,
        colour=GREY,
        cjk=False,
    )
    zh.drawOn(c, left, base + 60 - zh.height)
    en.drawOn(c, left, base + 56 - zh.height - en.height)
    c.setFont("Courier", 7)
    c.drawString(left, base - 18, f"{decoded.algorithm} · key {decoded.kid}")

    # The corridor line at the very bottom.
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.5)
    c.line(MARGIN + 36, MARGIN + 36, PAGE_W - MARGIN - 36, MARGIN + 36)
    c.setFillColor(RED)
    c.setFont(font, 9)
    c.drawCentredString(PAGE_W / 2, MARGIN + 22, "长三角G60科创走廊  ·  “一网通办”")
    c.setFont(SERIF, 8)
    c.drawCentredString(PAGE_W / 2, MARGIN + 11, "G60 Science & Technology Innovation Valley  ·  One Network for All")


class _TokenInfo(pdfdoc.PDFInfo):
    """The document information dictionary with the token as one more entry."""

    token = ""

    def format(self, document: Any) -> bytes:
        formatted: bytes = super().format(document)
        entry = pdfdoc.PDFString(self.token).format(document)
        # The standard keys come first; the token is appended before the dictionary's closing ">>".
        head, _, tail = formatted.rpartition(b">>")
        return head + b"/" + TOKEN_INFO_KEY.encode() + b" " + entry + b"\n>>" + tail


def _attach_token(c: Canvas, token: str) -> None:
    document = c._doc  # type: ignore[attr-defined]  # ReportLab has no public API for embedded files
    stream = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("EmbeddedFile"), "Subtype": pdfdoc.PDFName("text#2Fplain")}),
        content=token.encode("ascii"),
    )
    spec = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("Filespec"),
            "F": pdfdoc.PDFString(TOKEN_FILE_NAME),
            "UF": pdfdoc.PDFString(TOKEN_FILE_NAME),
            "Desc": pdfdoc.PDFString("G60 signed e-licence token"),
            "EF": pdfdoc.PDFDictionary({"F": document.Reference(stream)}),
        }
    )
    names = pdfdoc.PDFArray([pdfdoc.PDFString(TOKEN_FILE_NAME), document.Reference(spec)])
    c.setCatalogEntry("Names", pdfdoc.PDFDictionary({"EmbeddedFiles": pdfdoc.PDFDictionary({"Names": names})}))
    info = _TokenInfo()
    info.token = token
    document.info = info


def licence_pdf_render(*, facts: LicenceFacts, token: str) -> bytes:
    """The licence as A4 PDF bytes. Raises LicenceFontMissing when the CJK font is not installed."""
    try:
        decoded = token_decode(token)
    except MalformedToken as exc:
        raise ValueError("token is not a G60 licence token") from exc
    font = cjk_font()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"营业执照 Business licence {facts.uscc}")
    c.setAuthor(f"{facts.authority_zh} {facts.authority_en}")
    c.setSubject(f"{facts.name} · {facts.uscc}")
    c.setCreator("G60 Valley Platform")
    c.setKeywords(f"{decoded.algorithm} {decoded.kid}")
    _frame(c)
    top = _header(c, font, facts, token)
    _body(c, font, facts, top)
    _footer(c, font, facts, token)
    _attach_token(c, token)
    c.showPage()
    c.save()
    return buffer.getvalue()


def licence_pdf_extract_token(pdf: bytes) -> str:
    """The token stored in a licence PDF (information dictionary first, then the embedded file).
    Raises LicenceTokenNotFound when the bytes are not a PDF or carry no token."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        info: Any = reader.metadata or {}
        candidates = [info.get("/" + TOKEN_INFO_KEY)]
        attachments = reader.attachments
        candidates += [content.decode("ascii", "replace") for content in attachments.get(TOKEN_FILE_NAME, [])]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LicenceTokenNotFound("not a readable PDF") from exc
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip().startswith(PREFIX + "."):
            return candidate.strip()
    raise LicenceTokenNotFound("the PDF carries no G60 licence token")
