"""The licence PDF: Chinese renders as text from an embedded font subset, the token is embedded and in the QR."""

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from g60.regions.models import City
from g60.signing.chinese import rmb_uppercase
from g60.signing.licence_pdf import (
    LicenceFontMissing,
    LicenceTokenNotFound,
    cjk_font,
    licence_pdf_extract_token,
    licence_pdf_render,
)
from g60.signing.services import document_sign
from tests.signing.factories import LicenceFactsFactory, licence_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(city_songjiang: City) -> str:
    return document_sign(city=city_songjiang, payload=licence_payload())


@pytest.fixture
def pdf(token: str) -> bytes:
    return licence_pdf_render(facts=LicenceFactsFactory(), token=token)


def test_is_one_a4_page(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_text_has_chinese_and_english_facts(pdf: bytes) -> None:
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        "上海松江星链卫星科技有限公司",
        "91310117MA1J3XYZ4K",
        "Shanghai Songjiang Star Chain Satellite Technology Co., Ltd.",
        "营 业 执 照",
        "法定代表人",
        "王小明",
        "壹仟万元整",
        "RMB 10,000,000",
        "2026年11月22日",
        "上海市松江区市场监督管理局",
        "卫星通信服务",
    ):
        assert expected in text, expected


def test_cjk_font_is_embedded_as_a_subset(pdf: bytes) -> None:
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(str(descendant.get_object()["/BaseFont"]))
    # A subset's name is six capital letters and a plus sign before the font's own name.
    assert embedded and all(name[7] == "+" and name[1:7].isupper() for name in embedded)
    # The subset holds the glyphs used, not the 17 MB font.
    assert len(pdf) < 300_000


def test_metadata_names_the_licence(pdf: bytes) -> None:
    # The token's entry is added to the canvas's information dictionary, not written in place of it.
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "营业执照 Business licence 91310117MA1J3XYZ4K"
    authority = "上海市松江区市场监督管理局 Songjiang District Administration for Market Regulation, Shanghai"
    assert metadata.author == authority
    assert metadata.subject == "上海松江星链卫星科技有限公司 · 91310117MA1J3XYZ4K"
    assert metadata.creator == "G60 Valley Platform"


def _cjk_subsets(pdf: bytes) -> dict[str, bytes]:
    """The embedded CJK subsets by their number in the document (the +N of ReportLab's font names), as the
    decompressed font programs."""
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    programs = {}
    for name, ref in fonts.items():
        descriptor = ref.get_object().get("/FontDescriptor")
        if descriptor is not None and "/FontFile2" in descriptor.get_object():
            programs[name.rpartition("+")[2]] = descriptor.get_object()["/FontFile2"].get_object().get_data()
    return programs


def test_the_first_font_subset_is_the_same_whatever_the_facts(token: str) -> None:
    # Every licence's fixed text takes the first subset's codes first, so that subset is made once per process
    # and reused; the facts' own characters go to the subsets after it, and each licence still reads right.
    other = LicenceFactsFactory(
        name="合肥鑫淼犇骉科技有限公司",
        legal_representative="龘靐齉",
        domicile="安徽省合肥市蜀山区黄山路 8 号",
        business_scope="一般项目：量子计算机制造；麤爩龖研发。",
        authority_zh="合肥市市场监督管理局",
        authority_en="Hefei Administration for Market Regulation",
    )
    first = licence_pdf_render(facts=LicenceFactsFactory(), token=token)
    second = licence_pdf_render(facts=other, token=token)
    first_subsets, second_subsets = _cjk_subsets(first), _cjk_subsets(second)
    assert first_subsets["0"] == second_subsets["0"]
    assert len(second_subsets) >= 2 and second_subsets.keys() - {"0"}
    text = PdfReader(io.BytesIO(second)).pages[0].extract_text()
    for expected in ("合肥鑫淼犇骉科技有限公司", "龘靐齉", "麤爩龖研发", "合肥市市场监督管理局"):
        assert expected in text, expected
    for expected in ("法定代表人", "营 业 执 照", "登记机关"):
        assert expected in text, expected


def test_token_round_trips_through_metadata_and_attachment(pdf: bytes, token: str) -> None:
    assert licence_pdf_extract_token(pdf) == token
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and reader.metadata["/G60LicenceToken"] == token
    assert reader.attachments["g60-licence-token.txt"] == [token.encode()]


def test_qr_code_decodes_to_the_token(pdf: bytes, token: str, tmp_path: Path) -> None:
    # Needs poppler-utils (pdftoppm) and zbar-tools (zbarimg); scripts/setup --test installs them.
    assert shutil.which("pdftoppm") and shutil.which("zbarimg"), "install poppler-utils and zbar-tools"
    (tmp_path / "licence.pdf").write_bytes(pdf)
    render = ["pdftoppm", "-png", "-r", "150", "-singlefile", "licence.pdf", "page"]
    subprocess.run(render, cwd=tmp_path, check=True)  # noqa: S603
    decoded = subprocess.run(  # noqa: S603
        ["zbarimg", "--quiet", "--raw", "-Sbinary", str(tmp_path / "page.png")],  # noqa: S607
        check=True,
        capture_output=True,
    )
    assert decoded.stdout.decode().strip() == token


def test_pdf_without_token_or_not_a_pdf() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 72, "no token here")
    canvas.save()
    for data in (buffer.getvalue(), b"not a pdf at all", b"%PDF-1.4 broken"):
        with pytest.raises(LicenceTokenNotFound):
            licence_pdf_extract_token(data)


def test_render_refuses_a_malformed_token() -> None:
    with pytest.raises(ValueError, match="token"):
        licence_pdf_render(facts=LicenceFactsFactory(), token="not a token")


def test_missing_font_says_what_to_install(token: str, tmp_path: Path) -> None:
    with (
        override_settings(G60_LICENCE_FONT=str(tmp_path / "missing.ttc")),
        pytest.raises(LicenceFontMissing, match="fonts-wqy-zenhei"),
    ):
        licence_pdf_render(facts=LicenceFactsFactory(), token=token)
    assert cjk_font().startswith("G60CJK-")


def _text_heights(pdf: bytes) -> list[tuple[float, str]]:
    """Every piece of text on the page with its height above the bottom edge."""
    pieces: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            pieces.append((tm[5] * cm[3] + cm[5], text))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return pieces


def test_long_content_shrinks_and_stays_above_the_authority(token: str) -> None:
    import datetime as dt

    facts = LicenceFactsFactory(
        name="长三角G60科创走廊（嘉兴）集成电路与卫星互联网产业协同创新研究院有限公司",
        name_en="Yangtze River Delta G60 Science and Technology Innovation Corridor (Jiaxing) Integrated Circuit "
        "and Satellite Internet Industry Collaborative Innovation Institute Co., Ltd.",
        business_scope="技术开发、技术咨询、技术服务；" * 60,
        business_term_until=dt.date(2056, 11, 21),
    )
    pdf = licence_pdf_render(facts=facts, token=token)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "2056年11月21日" in text and "21 November 2056" in text
    # Too long to print whole: cut, saying where the full scope is.
    assert "完整经营范围见企业登记信息" in text.replace("\n", "")
    pieces = _text_heights(pdf)
    authority_label = max(y for y, piece in pieces if "登记机关" in piece and "执照" not in piece)
    scope_bottom = min(y for y, piece in pieces if "技术" in piece)
    assert scope_bottom > authority_label + 10


def test_ordinary_content_is_printed_whole(pdf: bytes) -> None:
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "完整经营范围" not in text and "软件开发。" in text


@pytest.mark.parametrize(
    ("yuan", "words"),
    [
        ("10000000", "壹仟万元整"),
        ("10000", "壹万元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1001.5", "壹仟零壹元伍角"),
        ("0.05", "伍分"),
        ("0", "零元整"),
        ("120034.07", "壹拾贰万零叁拾肆元零柒分"),
        ("30500000", "叁仟零伍拾万元整"),
    ],
)
def test_capital_in_capital_numerals(yuan: str, words: str) -> None:
    assert rmb_uppercase(Decimal(yuan)) == words
