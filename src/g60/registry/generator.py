"""Synthetic corridor enterprises for demos and benchmarks: valid USCCs carrying each city's division code,
plausible Chinese names per city and industry (e.g. 苏州华芯链科技有限公司), English names, legal
representatives with valid resident ID numbers, and real GB/T 4754 classes. The same seed gives the same rows."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from g60.registry.identifiers import _ID_CHECK, _ID_WEIGHTS, USCC_CHARSET, uscc_build

CITIES = {
    "310117": ("松江", "Songjiang", "上海市松江区"),
    "330400": ("嘉兴", "Jiaxing", "浙江省嘉兴市"),
    "330100": ("杭州", "Hangzhou", "浙江省杭州市"),
    "330700": ("金华", "Jinhua", "浙江省金华市"),
    "330500": ("湖州", "Huzhou", "浙江省湖州市"),
    "320500": ("苏州", "Suzhou", "江苏省苏州市"),
    "341800": ("宣城", "Xuancheng", "安徽省宣城市"),
    "340200": ("芜湖", "Wuhu", "安徽省芜湖市"),
    "340100": ("合肥", "Hefei", "安徽省合肥市"),
}


@dataclass(frozen=True)
class Industry:
    code: str
    word_zh: str
    word_en: str
    scope: str


INDUSTRIES = [
    Industry("C3973", "科技", "Technology", "集成电路芯片设计、制造及销售；电子元器件销售"),
    Industry("C3973", "微电子", "Microelectronics", "集成电路制造；半导体器件销售"),
    Industry("C3562", "半导体装备", "Semiconductor Equipment", "半导体器件专用设备制造、销售及维修"),
    Industry("I6513", "软件", "Software", "应用软件开发；软件销售；信息技术咨询服务"),
    Industry("I6520", "信息技术", "Information Technology", "信息系统集成服务；数据处理服务"),
    Industry("C3670", "汽车零部件", "Auto Parts", "汽车零部件及配件制造；汽车零配件批发"),
    Industry("C3841", "新能源", "New Energy", "锂离子电池制造；电池销售；储能技术服务"),
    Industry("C3825", "光电", "Photovoltaic", "光伏设备及元器件制造、销售"),
    Industry("C2710", "医药", "Pharmaceutical", "化学药品原料药制造；药品研发"),
    Industry("M7320", "研究院", "Research Institute", "工程和技术研究和试验发展；技术服务"),
    Industry("C3491", "智能装备", "Intelligent Equipment", "工业机器人制造；智能控制系统集成"),
    Industry("L7212", "投资管理", "Investment Management", "投资管理；资产管理；企业管理咨询"),
]
# Characters of brand names and their pinyin (for the English names).
BRAND = {
    "华": "Hua",
    "芯": "Xin",
    "链": "Lian",
    "瑞": "Rui",
    "博": "Bo",
    "创": "Chuang",
    "智": "Zhi",
    "联": "Lian",
    "达": "Da",
    "恒": "Heng",
    "源": "Yuan",
    "泰": "Tai",
    "景": "Jing",
    "盛": "Sheng",
    "航": "Hang",
    "睿": "Rui",
    "微": "Wei",
    "光": "Guang",
    "晶": "Jing",
    "鼎": "Ding",
    "汇": "Hui",
    "宏": "Hong",
    "嘉": "Jia",
    "德": "De",
    "明": "Ming",
    "远": "Yuan",
    "星": "Xing",
    "海": "Hai",
    "天": "Tian",
    "云": "Yun",
    "启": "Qi",
    "卓": "Zhuo",
    "峰": "Feng",
    "腾": "Teng",
    "诚": "Cheng",
    "信": "Xin",
    "安": "An",
    "正": "Zheng",
    "新": "Xin",
    "通": "Tong",
}
_BRAND_CHARS = list(BRAND)
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏辉玲婷雪琳晨欣怡")
ROADS = ["人民路", "科技大道", "创新路", "长江路", "新华路", "学府路", "高新路", "解放路", "光明路", "振兴路"]
TYPES = [
    ("company", 70),
    ("joint_stock_company", 8),
    ("branch", 8),
    ("partnership", 5),
    ("individual_business", 7),
    ("cooperative", 2),
]
STATUSES = [("active", 86), ("suspended", 3), ("deregistered", 8), ("revoked", 3)]
_SUFFIX = {"joint_stock_company": "股份有限公司", "branch": "有限公司分公司", "partnership": "合伙企业（有限合伙）"}
_SUFFIX_EN = {"joint_stock_company": "Co., Ltd. (Joint Stock)", "branch": "Co., Ltd. Branch", "partnership": "LP"}

# 31**8 org-code bodies; i → (A·i + B) mod 31**8 is a bijection (A is prime to 31), so codes never repeat.
_SPACE = 31**8
_A = 1_000_003
# Indexes 0 to GENERATED_MAX - 1 have distinct USCCs; past it they repeat.
GENERATED_MAX = _SPACE


@dataclass(frozen=True)
class GeneratedEnterprise:
    uscc: str
    name: str
    name_en: str
    city_code: str
    type: str
    status: str
    established_on: dt.date
    registered_capital_wan: str
    legal_representative: str
    legal_representative_id_number: str
    industry_code: str
    address: str
    business_scope: str


def _org_body(index: int, seed: int) -> str:
    value = (_A * index + seed * 7_777_777) % _SPACE
    chars = []
    for _ in range(8):
        value, digit = divmod(value, 31)
        chars.append(USCC_CHARSET[digit])
    return "".join(reversed(chars))


def resident_id(rng: random.Random, division: str) -> str:
    born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(365 * 45))
    first17 = f"{division}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + _ID_CHECK[sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in options], weights=[weight for _, weight in options])[0]


def generate(count: int, *, seed: int = 60, city: str | None = None, start: int = 0) -> Iterator[GeneratedEnterprise]:
    """`count` enterprises, deterministic for (seed, city, start)."""
    rng = random.Random(f"{seed}:{city}:{start}")  # noqa: S311 - demo data, not secrets
    codes = [city] if city else list(CITIES)
    for index in range(start, start + count):
        code = codes[index % len(codes)]
        city_zh, city_en, city_full = CITIES[code]
        industry = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
        brand = "".join(rng.sample(_BRAND_CHARS, rng.choice((2, 2, 3))))
        kind = _weighted(rng, TYPES)
        suffix = _SUFFIX.get(kind, "有限公司")
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        capital = rng.choice((10, 50, 100, 200, 500, 1000, 3000, 5000, 10000)) * rng.choice((1, 1, 1, 1.5, 2))
        pinyin = "".join(BRAND[ch] for ch in brand).capitalize()
        yield GeneratedEnterprise(
            uscc=uscc_build(authority="9", kind="1", division=code, org_body=_org_body(index, seed)),
            name=f"{city_zh}{brand}{industry.word_zh}{suffix}",
            name_en=f"{city_en} {pinyin} {industry.word_en} {_SUFFIX_EN.get(kind, 'Co., Ltd.')}",
            city_code=code,
            type=kind,
            status=_weighted(rng, STATUSES),
            established_on=dt.date(1995, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30)),
            registered_capital_wan=f"{capital:.4f}",
            legal_representative=rng.choice(SURNAMES) + given,
            legal_representative_id_number=resident_id(rng, code),
            industry_code=industry.code,
            address=f"{city_full}{rng.choice(ROADS)}{rng.randrange(1, 999)}号",
            business_scope=industry.scope,
        )


# Enterprises the examples name, added to the demo register so they work as written.
SHOWCASE = [
    GeneratedEnterprise(
        uscc=uscc_build(authority="9", kind="1", division="320500", org_body="MA1XLH60"),
        name="苏州华芯链科技有限公司",
        name_en="Suzhou Huaxinlian Technology Co., Ltd.",
        city_code="320500",
        type="company",
        status="active",
        established_on=dt.date(2019, 6, 18),
        registered_capital_wan="5000.0000",
        legal_representative="张晓明",
        legal_representative_id_number="320505198503124516",
        industry_code="C3973",
        address="江苏省苏州市工业园区星湖街328号",
        business_scope="集成电路芯片设计、制造及销售；电子元器件销售",
    ),
]


def generated_to_db(rows: Iterator[GeneratedEnterprise] | list[GeneratedEnterprise], *, batch_size: int = 2000) -> int:
    """Write generated enterprises in bulk (USCCs already present are left as they are). Returns rows offered."""
    from decimal import Decimal

    from g60.registry.constants import EnterpriseSource
    from g60.registry.models import Enterprise, search_text_stored

    total = 0
    batch: list[Enterprise] = []

    def flush() -> None:
        Enterprise.objects.bulk_create(batch, batch_size=batch_size, ignore_conflicts=True)
        batch.clear()

    for row in rows:
        batch.append(
            Enterprise(
                uscc=row.uscc,
                name=row.name,
                name_en=row.name_en,
                city_id=row.city_code,
                type=row.type,
                status=row.status,
                established_on=row.established_on,
                registered_capital_wan=Decimal(row.registered_capital_wan),
                legal_representative=row.legal_representative,
                legal_representative_id_number=row.legal_representative_id_number,
                industry_code=row.industry_code,
                address=row.address,
                business_scope=row.business_scope,
                source=EnterpriseSource.GENERATED,
                search_text=search_text_stored(row.name, row.name_en),
            )
        )
        total += 1
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return total


def generated_to_csv(rows: Iterator[GeneratedEnterprise], path: str) -> int:
    """Write generated enterprises as an import file (the import's columns plus name_en). The file is written
    whole or not at all (text_file_replaced): half a file would import without a word about the rows missing.
    Raises OSError before generating anything when `path` cannot be written."""
    import csv
    from pathlib import Path

    from g60.core.files import text_file_replaced
    from g60.registry.importing import COLUMNS, OPTIONAL_COLUMNS

    total = 0
    with text_file_replaced(Path(path)) as out:
        writer = csv.writer(out)
        writer.writerow([*COLUMNS, *OPTIONAL_COLUMNS])
        for row in rows:
            writer.writerow(
                [
                    row.uscc,
                    row.name,
                    row.city_code,
                    row.type,
                    row.status,
                    row.established_on.isoformat(),
                    row.registered_capital_wan,
                    row.legal_representative,
                    row.industry_code,
                    row.address,
                    row.business_scope,
                    row.name_en,
                ]
            )
            total += 1
    return total


def demo_enterprises_load(count: int = 3000) -> int:
    """The demo register: the showcase enterprises and `count` generated ones (idempotent, deterministic)."""
    from django.db import transaction

    with transaction.atomic():
        return generated_to_db([*SHOWCASE, *generate(count, seed=60)])
