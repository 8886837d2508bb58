"""GB/T 4754-2017 sections and the divisions each holds, for checking an industry class code's structure.

A class code is written with its section letter, e.g. C3973 (C manufacturing → 39 → 397 → 3973). The division
(the first two digits) must belong to the section. The full list of the 1,380 classes is not shipped yet, so a
well-formed code in the right section is accepted.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from g60.regions.models import prefers_chinese

# Section letter A-T and the four-digit class code, e.g. C3973, I6513.
# [0-9], not \d: \d matches any script's digits, and C３９７３ passed as a class code.
INDUSTRY_CLASS_PATTERN = re.compile(r"^[A-T][0-9]{4}$")


@dataclass(frozen=True)
class Section:
    letter: str
    name_zh: str
    name_en: str
    first_division: int
    last_division: int

    @property
    def name(self) -> str:
        """The section's name in the active language."""
        return self.name_zh if prefers_chinese() else self.name_en


SECTIONS = [
    Section("A", "农、林、牧、渔业", "Agriculture, Forestry, Animal Husbandry and Fishery", 1, 5),
    Section("B", "采矿业", "Mining", 6, 12),
    Section("C", "制造业", "Manufacturing", 13, 43),
    Section(
        "D", "电力、热力、燃气及水生产和供应业", "Production and Supply of Electricity, Heat, Gas and Water", 44, 46
    ),
    Section("E", "建筑业", "Construction", 47, 50),
    Section("F", "批发和零售业", "Wholesale and Retail Trades", 51, 52),
    Section("G", "交通运输、仓储和邮政业", "Transport, Storage and Post", 53, 60),
    Section("H", "住宿和餐饮业", "Accommodation and Catering", 61, 62),
    Section(
        "I",
        "信息传输、软件和信息技术服务业",
        "Information Transmission, Software and Information Technology Services",
        63,
        65,
    ),
    Section("J", "金融业", "Finance", 66, 69),
    Section("K", "房地产业", "Real Estate", 70, 70),
    Section("L", "租赁和商务服务业", "Leasing and Business Services", 71, 72),
    Section("M", "科学研究和技术服务业", "Scientific Research and Technical Services", 73, 75),
    Section(
        "N", "水利、环境和公共设施管理业", "Management of Water Conservancy, Environment and Public Facilities", 76, 79
    ),
    Section("O", "居民服务、修理和其他服务业", "Services to Households, Repair and Other Services", 80, 82),
    Section("P", "教育", "Education", 83, 83),
    Section("Q", "卫生和社会工作", "Health and Social Work", 84, 85),
    Section("R", "文化、体育和娱乐业", "Culture, Sports and Entertainment", 86, 90),
    Section("S", "公共管理、社会保障和社会组织", "Public Management, Social Security and Social Organisations", 91, 96),
    Section("T", "国际组织", "International Organisations", 97, 97),
]
SECTION_BY_LETTER = {s.letter: s for s in SECTIONS}


# The rules an industry class code can break, by a code stored with an import's row errors (import_rules.py).
INDUSTRY_CLASS_RULES: dict[str, StrPromise] = {
    "industry_format": _("An industry class is a section letter A-T and four digits, e.g. C3973 (GB/T 4754)."),
    "industry_section": _(
        "The division (first two digits) of the industry class does not belong to its section letter."
    ),
}


def industry_class_rule(code: str) -> str | None:
    """The code (a key of INDUSTRY_CLASS_RULES) of the rule `code` breaks as a GB/T 4754 class code, or None."""
    if not INDUSTRY_CLASS_PATTERN.match(code):
        return "industry_format"
    section = SECTION_BY_LETTER[code[0]]
    if not section.first_division <= int(code[1:3]) <= section.last_division:
        return "industry_section"
    return None


def industry_class_error(code: str) -> StrPromise | None:
    """Why `code` is not a GB/T 4754 class code, or None."""
    rule = industry_class_rule(code)
    return None if rule is None else INDUSTRY_CLASS_RULES[rule]
