"""Working days: Monday to Friday, minus the public holidays, plus the make-up working weekend days (调休).

The 2026 calendar is data (data/holidays_2026.csv, after the State Council's notice); a year without a file
counts Monday to Friday only.
"""

import csv
import datetime as dt
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _calendar() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for path in sorted(DATA_DIR.glob("holidays_*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                day = dt.date.fromisoformat(row["date"])
                (holidays if row["kind"] == "holiday" else workdays).add(day)
    return frozenset(holidays), frozenset(workdays)


def is_working_day(day: dt.date) -> bool:
    holidays, workdays = _calendar()
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the day of `start` itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
