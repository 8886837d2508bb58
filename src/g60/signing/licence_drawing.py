"""Drawing the licence page: frame, title, QR code, the facts in two languages, authority, seal and date.

The layout follows the printed Chinese business licence (营业执照副本): title centred at the top, QR code top
right, the Unified Social Credit Code above the facts, the registration authority, date and seal bottom right,
with an English line under every Chinese one.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import Paragraph

from g60.signing.chinese import capital_en, date_en, date_zh, rmb_uppercase
from g60.signing.qr import qr_runs

if TYPE_CHECKING:
    from g60.signing.licence_pdf import LicenceFacts

RED = HexColor("#9b1c1c")
GOLD = HexColor("#b08d3c")
INK = HexColor("#1f1f1f")
GREY = HexColor("#5c5c5c")
PAPER = HexColor("#fffdf7")
SERIF, SERIF_BOLD, SERIF_ITALIC = "Times-Roman", "Times-Bold", "Times-Italic"

PAGE_W, PAGE_H = A4
MARGIN = 34.0
LABEL_X = MARGIN + 40
VALUE_X = MARGIN + 172
VALUE_W = PAGE_W - MARGIN - 40 - VALUE_X
QR_SIZE = 136.0


class Line:
    """A text that fits on one line, drawn where a one-line Paragraph would draw it (baseline one font size
    below the top of its leading) without ReportLab's paragraph machinery: markup parsing and line breaking
    cost more than the drawing, and most of a licence's values are one line."""

    def __init__(self, text: str, *, font: str, size: float, width: float, colour: Color, right: bool) -> None:
        self.text, self.font, self.size, self.width, self.colour, self.right = text, font, size, width, colour, right
        self.height = size * 1.4

    def drawOn(self, c: Canvas, x: float, y: float) -> None:  # the name of the Flowable method it stands in for
        c.setFillColor(self.colour)
        c.setFont(self.font, self.size)
        baseline = y + self.height - self.size
        if self.right:
            c.drawRightString(x + self.width, baseline, self.text)
        else:
            c.drawString(x, baseline, self.text)


def paragraph(
    text: str, *, font: str, size: float, width: float, colour: Color = INK, cjk: bool = True, right: bool = False
) -> Any:
    """The text wrapped to `width` (Chinese may break between any two characters), ready to drawOn."""
    if " ".join(text.split()) == text and stringWidth(text, font, size) <= width:
        return Line(text, font=font, size=size, width=width, colour=colour, right=right)
    style = ParagraphStyle(
        "p",
        fontName=font,
        fontSize=size,
        leading=size * 1.4,
        textColor=colour,
        wordWrap="CJK" if cjk else None,
        alignment=TA_RIGHT if right else 0,
    )
    para = Paragraph(escape(text), style)
    para.wrap(width, PAGE_H)
    return para


def frame(c: Canvas) -> None:
    c.setFillColor(PAPER)
    c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
    # Outer red rule, inner gold rules, and a band of gold lozenges between them, as on printed licences.
    c.setStrokeColor(RED)
    c.setLineWidth(2.4)
    c.rect(MARGIN - 12, MARGIN - 12, PAGE_W - 2 * (MARGIN - 12), PAGE_H - 2 * (MARGIN - 12))
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    c.rect(MARGIN - 3, MARGIN - 3, PAGE_W - 2 * (MARGIN - 3), PAGE_H - 2 * (MARGIN - 3))
    c.setLineWidth(0.4)
    c.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN)
    c.setFillColor(GOLD)
    c.addLiteral(_band_code())
    _rosette(c, PAGE_W / 2, PAGE_H * 0.47)


# The decoration is the same on every licence: its path operators are built once per process, not formatted
# number by number for each document (a few hundred lozenges and 48 ellipses were a fifth of a render).


@cache
def _band_code() -> str:
    """The band of gold lozenges, one path and one fill."""
    path = PDFPathObject()
    band = MARGIN - 7.5
    for x in _steps(MARGIN, PAGE_W - MARGIN, 9):
        _lozenge(path, x, band, 2.2)
        _lozenge(path, x, PAGE_H - band, 2.2)
    for y in _steps(MARGIN, PAGE_H - MARGIN, 9):
        _lozenge(path, band, y, 2.2)
        _lozenge(path, PAGE_W - band, y, 2.2)
    return f"{path.getCode()} f"


@cache
def _rosette_code() -> str:
    """48 ellipses turned 7.5° apart about the origin, each stroked (what Canvas.rotate + ellipse would write)."""
    ellipse = PDFPathObject()
    ellipse.ellipse(-150, -42, 300, 84)
    code = ellipse.getCode()
    parts = []
    for i in range(48):
        angle = math.radians(i * 7.5)
        cos, sin = math.cos(angle), math.sin(angle)
        parts.append(f"q {fp_str(cos, sin, -sin, cos)} 0 0 cm {code} S Q")
    return "\n".join(parts)


def _rosette(c: Canvas, cx: float, cy: float) -> None:
    """A faint guilloche-like rosette behind the facts: decoration in the manner of security printing."""
    c.saveState()
    c.setStrokeColor(Color(0.69, 0.55, 0.24, alpha=0.12))
    c.setLineWidth(0.35)
    c.translate(cx, cy)
    c.addLiteral(_rosette_code())
    c.restoreState()


def _steps(start: float, stop: float, step: float) -> list[float]:
    count = int((stop - start) // step)
    offset = (stop - start - count * step) / 2
    return [start + offset + i * step for i in range(count + 1)]


def _lozenge(path: Any, x: float, y: float, r: float) -> None:
    path.moveTo(x, y + r)
    path.lineTo(x + r, y)
    path.lineTo(x, y - r)
    path.lineTo(x - r, y)
    path.close()


def qr(c: Canvas, token: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares: sharp at any zoom or print resolution, and no raster to embed."""
    modules, runs = qr_runs(token)
    quiet = 4  # the quiet zone the QR standard asks for, in modules
    cell = size / (modules + 2 * quiet)
    c.setFillColor(HexColor("#ffffff"))
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(HexColor("#000000"))
    # One rectangle per run of dark modules, in module units (a transform maps them onto the page), written
    # as literal path operators: ReportLab's per-number formatting of a thousand rectangles would take
    # longer than everything else on the page. Runs overlap the next row by 2 % so no hairline seams show.
    c.saveState()
    c.transform(cell, 0, 0, -cell, x, y + size)
    c.addLiteral("\n".join(f"{col + quiet} {row + quiet} {length} 1.02 re" for row, col, length in runs) + "\nf")
    c.restoreState()


def seal(c: Canvas, font: str, cx: float, cy: float, text: str) -> None:
    """The authority's electronic seal: a red ring, its name around the top, a star at the centre."""
    red = Color(0.8, 0.1, 0.1, alpha=0.62)
    radius = 48.0
    c.saveState()
    c.setStrokeColor(red)
    c.setFillColor(red)
    c.setLineWidth(2.4)
    c.circle(cx, cy, radius, stroke=1, fill=0)
    c.setLineWidth(0.5)
    c.circle(cx, cy, radius - 4.5, stroke=1, fill=0)
    _star(c, cx, cy, 14)
    size = 10.0 if len(text) <= 10 else 8.6
    span = min(250.0, 20.0 * len(text))  # degrees of arc the name covers
    for i, char in enumerate(text):
        angle = 90 + span / 2 - (i + 0.5) * span / len(text)
        rad = math.radians(angle)
        c.saveState()
        c.translate(cx + (radius - 14.5) * math.cos(rad), cy + (radius - 14.5) * math.sin(rad))
        c.rotate(angle - 90)
        c.setFont(font, size)
        c.drawCentredString(0, -size / 2.8, char)
        c.restoreState()
    c.setFont(font, 7)
    c.drawCentredString(cx, cy - 28, "电子营业执照专用")
    c.restoreState()


def _star(c: Canvas, cx: float, cy: float, r: float) -> None:
    path = c.beginPath()
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.38
        angle = math.radians(90 + i * 36)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _label(c: Canvas, font: str, y: float, zh: str, en: str) -> None:
    c.setFillColor(INK)
    c.setFont(font, 11.5)
    c.drawString(LABEL_X, y, zh)
    c.setFillColor(GREY)
    c.setFont(SERIF_ITALIC, 8.5)
    c.drawString(LABEL_X, y - 12, en)


def _rows(facts: LicenceFacts) -> list[tuple[str, str, str, str]]:
    """(Chinese label, English label, Chinese value, English value) in the order printed licences use."""
    until_zh = date_zh(facts.business_term_until) if facts.business_term_until else "长期"
    until_en = date_en(facts.business_term_until) if facts.business_term_until else "no fixed term"
    return [
        ("名　　称", "Name", facts.name, facts.name_en),
        ("类　　型", "Type", facts.type_zh, facts.type_en),
        ("法定代表人", "Legal representative", facts.legal_representative, ""),
        (
            "注册资本",
            "Registered capital",
            rmb_uppercase(facts.registered_capital_wan * 10000),
            capital_en(facts.registered_capital_wan),
        ),
        ("成立日期", "Date of establishment", date_zh(facts.established_on), date_en(facts.established_on)),
        (
            "营业期限",
            "Business term",
            f"{date_zh(facts.established_on)} 至 {until_zh}",
            f"{date_en(facts.established_on)} to {until_en}",
        ),
        ("住　　所", "Domicile", facts.domicile, facts.domicile_en),
    ]


def header(c: Canvas, font: str, facts: LicenceFacts, token: str) -> float:
    """Title, licence number, QR code and the credit code; returns the y where the facts begin."""
    centre = PAGE_W / 2
    top = PAGE_H - MARGIN
    c.setFillColor(RED)
    c.setFont(font, 42)
    c.drawCentredString(centre, top - 82, "营 业 执 照")
    c.setFont(SERIF_BOLD, 14)
    c.drawCentredString(centre, top - 106, "B U S I N E S S   L I C E N C E")
    c.setFillColor(GREY)
    c.setFont(font, 9)
    c.drawCentredString(centre, top - 124, "（电子营业执照　Electronic Business Licence）")

    c.setFont(font, 8.5)
    c.drawString(MARGIN + 18, top - 26, f"证照编号：{facts.licence_number}")
    c.setFont(SERIF_ITALIC, 8)
    c.drawString(MARGIN + 18, top - 37, "Licence No.")

    qr_x, qr_y = PAGE_W - MARGIN - 16 - QR_SIZE, top - 16 - QR_SIZE
    qr(c, token, qr_x, qr_y, QR_SIZE)
    c.setFillColor(GREY)
    c.setFont(font, 7.5)
    c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 9, "扫描二维码核验执照")
    c.setFont(SERIF_ITALIC, 7.5)
    c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 18, "Scan to verify this licence")

    # The credit code, set apart between gold rules: it is the enterprise's identity for life.
    y = qr_y - 44
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.6)
    c.line(LABEL_X, y + 20, PAGE_W - MARGIN - 40, y + 20)
    c.line(LABEL_X, y - 22, PAGE_W - MARGIN - 40, y - 22)
    _label(c, font, y, "统一社会信用代码", "Unified Social Credit Code")
    c.setFillColor(INK)
    c.setFont("Courier-Bold", 17)
    c.drawString(VALUE_X, y - 6, facts.uscc)
    return y - 44


SCOPE_TRUNCATED = "……（完整经营范围见企业登记信息 / full scope in the enterprise register）"


def _fact_blocks(font: str, facts: LicenceFacts, scale: float) -> list[tuple[str, str, list[Any]]]:
    """Each fact as (Chinese label, English label, paragraphs of its value) at a font scale."""
    blocks = []
    for zh_label, en_label, zh_value, en_value in _rows(facts):
        paras = [paragraph(zh_value, font=font, size=12 * scale, width=VALUE_W)]
        if en_value:
            paras.append(paragraph(en_value, font=SERIF, size=9.5 * scale, width=VALUE_W, colour=GREY, cjk=False))
        blocks.append((zh_label, en_label, paras))
    return blocks


def _blocks_height(blocks: list[tuple[str, str, list[Any]]], gap: float) -> float:
    return sum(max(sum(p.height for p in paras), 24) + gap for _, _, paras in blocks)


def body(c: Canvas, font: str, facts: LicenceFacts, top: float, bottom: float) -> None:
    """The facts between `top` and `bottom`, labels on the left, values on the right.

    Long names, addresses and business scopes must not run into the authority block: the values shrink step
    by step until everything fits, and a business scope too long even at the smallest size is cut, with a
    note that the register holds it in full (the signed token does not carry the scope either way).
    """
    scope_text = facts.business_scope
    for scale, gap, scope_sizes in ((1.0, 11, (10.5, 9.5)), (0.92, 8, (9, 8)), (0.85, 6, (8, 7, 6.5))):
        blocks = _fact_blocks(font, facts, scale)
        room = top - bottom - _blocks_height(blocks, gap)
        for size in scope_sizes:
            scope: Any = paragraph(scope_text, font=font, size=size, width=VALUE_W)
            if scope.height <= room:
                break
        if scope.height <= room:
            break
    else:
        # Even the smallest size overflows: cut the scope to the lines that fit.
        size = scope_sizes[-1]
        lines = max(1, int(room // (size * 1.4)))
        text = scope_text
        while len(text) > 10:
            text = text[: int(len(text) * 0.9)]
            scope = paragraph(text + SCOPE_TRUNCATED, font=font, size=size, width=VALUE_W)
            if scope.height <= lines * size * 1.4 + 1:
                break
    y = top
    for zh_label, en_label, paras in blocks:
        _label(c, font, y - 11, zh_label, en_label)
        offset = 3.0
        for para in paras:
            para.drawOn(c, VALUE_X, y - para.height + offset)
            y -= para.height
            offset = 2.0
        y -= max(0.0, 24 - sum(p.height for p in paras)) + gap
    _label(c, font, y - 11, "经营范围", "Business scope")
    scope.drawOn(c, VALUE_X, y - scope.height + 3)


def footer(c: Canvas, font: str, facts: LicenceFacts, *, algorithm: str, kid: str) -> float:
    """Authority, date and seal bottom right; how to verify bottom left; the corridor's line at the foot.
    Returns the y of the block's top, the floor the facts must stay above."""
    right = PAGE_W - MARGIN - 40
    block_w = 205.0
    base = MARGIN + 74
    c.setFillColor(GREY)
    c.setFont(SERIF, 9)
    c.drawRightString(right, base, date_en(facts.issued_on))
    c.setFillColor(INK)
    c.setFont(font, 13)
    c.drawRightString(right, base + 14, date_zh(facts.issued_on))
    authority_en = paragraph(facts.authority_en, font=SERIF_ITALIC, size=8.5, width=block_w, colour=GREY, right=True)
    authority_en.drawOn(c, right - block_w, base + 58)
    c.setFillColor(INK)
    c.setFont(font, 12)
    c.drawRightString(right, base + 64 + authority_en.height, facts.authority_zh)
    c.setFillColor(GREY)
    c.setFont(SERIF_ITALIC, 9)
    c.drawRightString(right, base + 82 + authority_en.height, "Registration authority")
    c.setFont(font, 10)
    c.drawRightString(right - 92, base + 82 + authority_en.height, "登记机关")
    authority_top = base + 82 + authority_en.height + 10
    # The seal sits over the date, as a registrar's stamp does on paper.
    seal(c, font, right - 50, base + 12, facts.authority_zh)

    left = LABEL_X
    note_w = 215.0
    en = paragraph(
        "This electronic licence is digitally signed by the registration authority. Scan the QR code or submit its "
        "content on the platform's verification page to check it and whether it has been revoked; the signature "
        "can also be checked offline with the published public keys (g60 verify-licence).",
        font=SERIF_ITALIC,
        size=7.3,
        width=note_w,
        colour=GREY,
        cjk=False,
    )
    zh = paragraph(
        "本执照为电子营业执照，由登记机关以数字签名签发。扫描二维码或在平台执照核验页面提交二维码内容，"
        "即可核验真伪及是否已被吊销；也可使用公布的公钥离线核验签名（g60 verify-licence）。",
        font=font,
        size=7.3,
        width=note_w,
        colour=GREY,
    )
    c.setFillColor(GREY)
    c.setFont("Courier", 7)
    c.drawString(left, base, f"{algorithm} · key {kid}")
    en.drawOn(c, left, base + 10)
    zh.drawOn(c, left, base + 14 + en.height)

    c.setStrokeColor(GOLD)
    c.setLineWidth(0.5)
    c.line(LABEL_X, MARGIN + 38, PAGE_W - MARGIN - 40, MARGIN + 38)
    c.setFillColor(RED)
    c.setFont(font, 9)
    c.drawCentredString(PAGE_W / 2, MARGIN + 24, "长三角G60科创走廊  ·  “一网通办”")
    c.setFont(SERIF, 8)
    c.drawCentredString(PAGE_W / 2, MARGIN + 13, "G60 Science & Technology Innovation Valley  ·  One Network for All")
    return float(max(authority_top, base + 14 + en.height + zh.height))
