"""Reading the reference data shipped with the app (src/g60/regions/data/)."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CityRow:
    code: str
    name_zh: str
    name_en: str
    province_code: str
    province_zh: str
    province_en: str
    level: str
    latitude: Decimal
    longitude: Decimal
    authority_zh: str
    authority_en: str
    sort_order: int


def _authority_names(row: dict[str, str]) -> tuple[str, str]:
    """Each city's market-regulation bureau is the registration authority; Songjiang's is the district bureau,
    named with its municipality (上海市松江区市场监督管理局), as its seal and licences read."""
    if row["level"] == "district":
        short_en = row["name_en"].split(" (")[0]  # "Songjiang District (Shanghai)": the district's own name
        return (
            f"{row['province_zh']}{row['name_zh']}市场监督管理局",
            f"{short_en} Administration for Market Regulation, {row['province_en']}",
        )
    return f"{row['name_zh']}市场监督管理局", f"{row['name_en']} Municipal Administration for Market Regulation"


def city_rows() -> list[CityRow]:
    """The nine cities, in the corridor's own order (cities.csv, copied from the shared reference)."""
    rows = []
    with (DATA_DIR / "cities.csv").open(encoding="utf-8", newline="") as handle:
        for order, raw in enumerate(csv.DictReader(handle)):
            authority_zh, authority_en = _authority_names(raw)
            rows.append(
                CityRow(
                    code=raw["division_code"],
                    name_zh=raw["name_zh"],
                    name_en=raw["name_en"],
                    province_code=raw["province_code"],
                    province_zh=raw["province_zh"],
                    province_en=raw["province_en"],
                    level=raw["level"],
                    latitude=Decimal(raw["lat"]),
                    longitude=Decimal(raw["lon"]),
                    authority_zh=authority_zh,
                    authority_en=authority_en,
                    sort_order=order,
                )
            )
    return rows
