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
import zlib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

from g60.signing.licence_drawing import body, footer, frame, header
from g60.signing.tokens import PREFIXES, MalformedToken, token_decode

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
TOKEN_INFO_KEY = "G60LicenceToken"  # noqa: S105 - a PDF dictionary key, not a secret
TOKEN_FILE_NAME = "g60-licence-token.txt"  # noqa: S105 - a file name, not a secret


# Binary streams, not ASCII85 text: ASCII85 only helps 7-bit mail channels, and encoding the embedded font with it
# cost a quarter of each render and made the file 25 % larger. (A process-wide ReportLab switch; both settings
# produce valid PDFs, so other ReportLab users are unaffected in substance.)
rl_config.useA85 = 0


class _FastFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate at zlib level 1 instead of the default 6: deflating a licence's font subset and page (≈ 100 kB)
    took 2 ms of its 7 ms render at level 6, 1 ms at level 1, for a file 7 % larger (46 → 49 kB). Same filter,
    same decoder; only the encoder works less."""

    def encode(self, text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 1)


# ReportLab looks the filter up on the module each time it writes a stream (page, font, embedded file), so this
# applies to every PDF the process writes, like useA85 above.
pdfdoc.PDFZCompress = _FastFlate()


class LicenceFontMissing(RuntimeError):
    """The CJK font the licence needs is not installed."""


class LicenceTokenNotFound(ValueError):
    """The PDF carries no G60 licence token."""


class LicencePdfUnreadable(LicenceTokenNotFound):
    """The bytes are not a readable PDF: damaged or cut short."""


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
    font = _SubsetCachingTTFont(name, path, subfontIndex=0)
    _keep_tables(font.face)
    pdfmetrics.registerFont(font)
    return name


class _Preformatted(pdfdoc.PDFObject):
    """A PDF object whose bytes were formatted once and are written as they are (it holds no reference to
    another object, so the same bytes are right in every document). One instance per document: ReportLab
    records the object's name in the document on the instance."""

    def __init__(self, formatted: bytes, *, stream: bool) -> None:
        self.formatted = formatted
        if stream:
            self.__RefOnly__ = 1  # a stream is always an indirect object, as ReportLab's own streams are

    def format(self, document: Any) -> bytes:
        return self.formatted


@dataclass(frozen=True)
class _SubsetObjects:
    """What a font subset contributes to a document apart from its references: the embedded font program,
    its ToUnicode CMap (both streams, compressed) and its widths array, as formatted bytes."""

    font_file: bytes
    to_unicode: bytes
    widths: bytes


def _stream(content: bytes, level: int, **entries: int) -> bytes:
    packed = zlib.compress(content, level)
    extra = "".join(f"/{key} {value} " for key, value in entries.items())
    return f"<< /Filter [ /FlateDecode ] {extra}/Length {len(packed)} >>\nstream\n".encode() + packed + b"endstream\n"


def _subset_objects(face: Any, base_font_name: str, subset: tuple[int, ...], level: int = 1) -> _SubsetObjects:
    program = face.makeSubset(list(subset))
    widths = " ".join(fp_str(face.getCharWidth(code)) for code in subset)
    return _SubsetObjects(
        font_file=_stream(program, level, Length1=len(program)),
        to_unicode=_stream(makeToUnicodeCMap(base_font_name, list(subset)).encode("latin-1"), level),
        widths=f"[ {widths} ]".encode("ascii"),
    )


@lru_cache(maxsize=8)
def _first_subset_objects(face: Any, base_font_name: str, subset: tuple[int, ...]) -> _SubsetObjects:
    # Made once per process and font (a different first subset only if the drawing code changes the fixed
    # text), so compressed at level 9 rather than _FastFlate's level 1.
    return _subset_objects(face, base_font_name, subset, level=9)


class _SubsetCachingTTFont(TTFont):
    """A TrueType font whose subsets' font programs, CMaps and widths are made once per process and reused by
    every document with the same subset. Every licence prints the same labels, notes and title, and
    licence_pdf_render assigns their characters first in a fixed order (_preassign), so the first subset of
    every licence is the same: only the characters of its facts are subset anew. Making a subset, formatting
    its 256 widths and compressing both streams were about half of writing a licence. Otherwise what
    ReportLab's TTFont.addObjects writes, object for object."""

    def addObjects(self, doc: Any) -> None:
        self.splitString("", doc)  # the document's state, made as ReportLab makes it if nothing was drawn
        state = self.state[doc]
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = (SUBSETN(n) + b"+" + self.face.name + self.face.subfontNameX).decode("pdfdoc")
            # Only the first subset is the same from one licence to the next (_preassign); the others hold the
            # facts' own characters and are made for this document, at the fast compression level.
            subset_objects = _first_subset_objects if n == 0 else _subset_objects
            objects = subset_objects(self.face, base_font_name, tuple(subset))
            font_file = _Preformatted(objects.font_file, stream=True)
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": self.face.ascent,
                    "CapHeight": self.face.capHeight,
                    "Descent": self.face.descent,
                    "Flags": (self.face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(self.face.bbox),
                    "FontName": pdfdoc.PDFName(base_font_name),
                    "ItalicAngle": self.face.italicAngle,
                    "StemV": self.face.stemV,
                    "FontFile2": doc.Reference(font_file, f"fontFile:{self.face.filename}({base_font_name})"),
                    "MissingWidth": self.face.defaultWidth,
                }
            )
            font: Any = pdfdoc.PDFTrueTypeFont()  # ReportLab's font objects take their entries as attributes
            font.Name = internal_name
            font.BaseFont = base_font_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Preformatted(objects.widths, stream=False)
            to_unicode = _Preformatted(objects.to_unicode, stream=True)
            font.ToUnicode = doc.Reference(to_unicode, "toUnicodeCMap:" + base_font_name)
            font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + base_font_name)
            doc.Reference(font, internal_name)
            fonts[internal_name] = font
        del self.state[doc]


def _keep_tables(face: Any) -> None:
    """Make the font's table reads return a copy made once per process. ReportLab's subsetting copies every
    table it needs out of the font file for each subset of each document: for wqy-zenhei that is its 10 MB
    glyph table, twice per licence (≈ 5 ms of a render). The tables never change, so one copy serves all."""
    read = face.get_table
    tables: dict[str, bytes] = {}

    def get_table(tag: str) -> bytes:
        table = tables.get(tag)
        if table is None:
            table = tables[tag] = read(tag)
        return table

    face.get_table = get_table


def cjk_font() -> str:
    """The registered name of the licence's CJK font. Raises LicenceFontMissing with what to install."""
    path = font_path()
    if not path.is_file():
        raise LicenceFontMissing(
            f"The licence font {path} is missing. Install the Debian package fonts-wqy-zenhei "
            "(apt-get install fonts-wqy-zenhei) or set G60_LICENCE_FONT to a TrueType CJK font (.ttf or .ttc)."
        )
    return _register_font(str(path))


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
    # The same information dictionary as an instance of the class that also writes the token: a fresh
    # _TokenInfo would drop the title, author, subject, creator and keywords set on the canvas.
    info = _TokenInfo()
    info.__dict__.update(document.info.__dict__)
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
    _preassign(c, font)
    c.setTitle(f"营业执照 Business licence {facts.uscc}")
    c.setAuthor(f"{facts.authority_zh} {facts.authority_en}")
    c.setSubject(f"{facts.name} · {facts.uscc}")
    c.setCreator("G60 Valley Platform")
    c.setKeywords(f"{decoded.algorithm} {decoded.kid}")
    frame(c)
    top = header(c, font, facts, token)
    floor = footer(c, font, facts, algorithm=decoded.algorithm, kid=decoded.kid)
    body(c, font, facts, top, floor + 12)
    _attach_token(c, token)
    c.showPage()
    c.save()
    return buffer.getvalue()


# ReportLab numbers a TrueType font's characters per document in the order they are first drawn, 256 to a subset;
# the first subset keeps codes 32-127 for ASCII (rl_config.ttfAsciiReadable), leaving 159 codes for the rest.
FIRST_SUBSET_CODES = 159
# After the characters every licence prints, the first subset is filled with characters common in the facts
# (company forms, amounts in capitals, place names, frequent words of names and scopes), so fewer are left to the
# subsets made anew for each licence.
COMMON_CHARACTERS = (
    "有限责任公司股份合伙企业个体工商户分支机构农民专业作社自然投资或控股外商独非上市"
    "壹贰叁肆伍陆柒捌玖拾佰仟万亿角分"
    "海江苏浙安徽省市区县镇路街道号弄幢室楼层栋松嘉兴杭州金华湖宣城芜合肥"
    "科技术息发展服务开咨询销售制造软件集成电路新能源材料智设备生物医药网络通讯"
)


def _preassign(c: Canvas, font: str) -> None:
    """Give the font's fixed characters their codes first, in the same order in every licence, so the first
    subset is the same whatever the facts (see _SubsetCachingTTFont)."""
    pdfmetrics.getFont(font).splitString(_fixed_characters(font), c._doc)  # type: ignore[attr-defined]


@lru_cache(maxsize=4)
def _fixed_characters(font: str) -> str:
    """The non-ASCII characters every licence draws in `font`, in the order the drawing first uses them, then
    common characters up to the first subset's size. Found by drawing a licence whose facts are all ASCII, so
    the list follows the drawing code by itself."""
    ascii_only = LicenceFacts(
        uscc="0",
        name="x",
        type_zh="x",
        type_en="x",
        legal_representative="x",
        registered_capital_wan=Decimal(0),
        established_on=dt.date(2000, 1, 1),
        domicile="x",
        business_scope="x",
        authority_zh="x",
        authority_en="x",
        issued_on=dt.date(2000, 1, 1),
        licence_number="0",
    )
    c = Canvas(io.BytesIO(), pagesize=A4)
    frame(c)
    top = header(c, font, ascii_only, "0")
    body(c, font, ascii_only, top, footer(c, font, ascii_only, algorithm="x", kid="x") + 12)
    assigned = pdfmetrics.getFont(font).state[c._doc].assignments  # type: ignore[attr-defined]
    fixed = [chr(code) for code, _ in sorted(assigned.items(), key=lambda item: item[1]) if code > 127]
    common = [char for char in dict.fromkeys(COMMON_CHARACTERS) if char not in fixed]
    return "".join(fixed + common[: max(0, FIRST_SUBSET_CODES - len(fixed))])


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
        raise LicencePdfUnreadable("not a readable PDF") from exc
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip().startswith(tuple(p + "." for p in PREFIXES)):
            return candidate.strip()
    raise LicenceTokenNotFound("the PDF carries no G60 licence token")
